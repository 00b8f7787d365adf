namespace CinemaSync.Web.Subtitles;

public static class SubtitlesSetup
{
    /// <summary>The subtitle fetcher: its options, validated on start, and an HTTP client that follows no redirect by itself.</summary>
    public static WebApplicationBuilder AddCinemaSyncSubtitles(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SubtitleOptions>()
            .Bind(builder.Configuration.GetSection(SubtitleOptions.Section))
            .Validate(o => o.FetchTimeout > TimeSpan.Zero && o.FetchTimeout <= TimeSpan.FromMinutes(2), "Subtitles:FetchTimeout must be more than 0 and at most 2 minutes.")
            .Validate(o => o.MaxRedirects is >= 0 and <= 10, "Subtitles:MaxRedirects must be 0..10.")
            .Validate(o => o.CacheDuration >= TimeSpan.Zero && o.CacheDuration <= TimeSpan.FromDays(1), "Subtitles:CacheDuration must be 0 to 1 day.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(SubtitleFiles.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            });
        builder.Services.AddSingleton<SubtitleFiles>();
        return builder;
    }
}

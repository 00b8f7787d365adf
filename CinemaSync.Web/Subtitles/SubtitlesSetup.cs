using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Subtitles;

public static class SubtitlesSetup
{
    /// <summary>The subtitle fetcher: its options, validated on start, and an HTTP client that follows no redirect by itself.</summary>
    public static WebApplicationBuilder AddCinemaSyncSubtitles(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<SubtitleOptions>(builder.Configuration, SubtitleOptions.Section)
            .Configure<IHostEnvironment>((o, environment) => o.AllowPrivateAddresses ??= environment.IsDevelopment());
        builder.Services.AddHttpClient(SubtitleFiles.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // Straight to the link's host, and only to a public address of it (unless allowed for a private network).
                UseProxy = false,
                ConnectCallback = services.GetRequiredService<IOptions<SubtitleOptions>>().Value.AllowPrivateAddresses == true
                    ? PublicAddresses.ConnectOnly(_ => true)
                    : PublicAddresses.ConnectOnly(PublicAddresses.IsPublic),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            });
        builder.Services.AddSingleton<SubtitleFiles>();
        return builder;
    }
}

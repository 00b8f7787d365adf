using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

public static class DriveSetup
{
    /// <summary>Drive client, credentials, movie catalogue and stream tokens, from configuration.</summary>
    public static WebApplicationBuilder AddCinemaSyncDrive(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddOptions<DriveOptions>()
            .Bind(config.GetSection(DriveOptions.Section))
            .Configure(o =>
            {
                if (config["GOOGLE_APPLICATION_CREDENTIALS"] is { Length: > 0 } path) o.CredentialsPath = path;
                if (config["GOOGLE_DRIVE_BASE_URL"] is { Length: > 0 } url) o.BaseUrl = url;
            })
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp),
                "GOOGLE_DRIVE_BASE_URL must be an absolute http(s) URL.")
            .Validate(o => o.CredentialsPath.Length == 0 || File.Exists(o.CredentialsPath),
                "GOOGLE_APPLICATION_CREDENTIALS names a file that does not exist.")
            .Validate(o => o.MaxAttempts is >= 1 and <= 10, "Drive:MaxAttempts must be 1..10.")
            .Validate(o => o.MetadataTtl >= TimeSpan.Zero && o.Timeout > TimeSpan.Zero, "Drive:MetadataTtl and Drive:Timeout must be positive.")
            .Validate(o => o.MaxConnections is >= 1 and <= 10_000, "Drive:MaxConnections must be 1..10000.")
            .ValidateOnStart();
        builder.Services.AddOptions<StreamOptions>()
            .Bind(config.GetSection(StreamOptions.Section))
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Stream:TokenLifetime must be positive.")
            .Validate(o => o.BufferSize is >= 4096 and <= 4 * 1024 * 1024, "Stream:BufferSize must be 4 KB..4 MB.")
            .Validate(o => o.MaxConcurrentPerViewer is >= 0 and <= 1000, "Stream:MaxConcurrentPerViewer must be 0..1000 (0: no cap).")
            .Validate(o => o.MaxConnections is >= 1 and <= 10_000, "Stream:MaxConnections must be 1..10000.")
            .ValidateOnStart();

        // Two clients, two connection pools: metadata and listings on the typed client, stream bytes on
        // the named one. Timeouts are per call (Drive:Timeout until headers; a stream's body is not limited).
        builder.Services.AddHttpClient<DriveClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => DriveHandler(services.GetRequiredService<IOptions<DriveOptions>>().Value.MaxConnections));
        builder.Services.AddHttpClient(DriveClient.StreamClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => DriveHandler(services.GetRequiredService<IOptions<StreamOptions>>().Value.MaxConnections));
        builder.Services.AddSingleton<StreamSlots>();
        builder.Services.AddSingleton<DriveAccounts>();
        builder.Services.AddSingleton<DriveMovies>();
        builder.Services.AddSingleton<StreamTokens>();
        return builder;
    }

    private static SocketsHttpHandler DriveHandler(int maxConnections) => new()
    {
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = maxConnections,
    };
}

using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Health;
using CinemaSync.Web.Observability;
using CinemaSync.Web.Realtime;
using CinemaSync.Web.Rooms;
using CinemaSync.Web.Subtitles;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace CinemaSync.Web.Hosting;

/// <summary>Builds the web node. Program.cs and the tests both start it from here.</summary>
public static class CinemaSyncApp
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>
    /// Builds the node and runs the start-up checks (<see cref="StartupGuard.Check"/>): a bad setting
    /// throws here, before anything listens, with a message that names it.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var dotEnv = StartupEnvironment.LoadDotEnv();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = WebRoot(args),
            EnvironmentName = StartupEnvironment.DefaultEnvironment(args),
        });
        AddShippedSettingsWhenStartedElsewhere(builder);
        if (!HasListenAddress(builder.Configuration)) builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddSingleton<IStartupCheck>(new ListenAddressCheck(
            (builder.Configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => CinemaSyncJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        EndpointOptions.AddCinemaSyncEndpointOptions(builder);
        builder.AddCinemaSyncPublicUrls();
        builder.AddCinemaSyncSecurityHeaders();
        builder.AddCinemaSyncAuth();
        builder.AddCinemaSyncDataProtection();
        builder.AddCinemaSyncGoogleOAuth();
        builder.AddCinemaSyncDrive();
        builder.AddCinemaSyncSubtitles();
        builder.AddCinemaSyncOrleans();
        builder.AddCinemaSyncRealtime();
        builder.AddCinemaSyncTelemetry();
        builder.AddCinemaSyncHealth();
        ShutdownSettings.AddTo(builder.Services, builder.Configuration);
        configure?.Invoke(builder);
        builder.Services.StartDataProtectionAfterOrleans();

        var app = builder.Build();
        StartupGuard.Check(app.Services);
        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        app.UseCinemaSyncSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseWatchPage();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        if (endpoints.OpenApi == true) app.MapOpenApi();
        if (endpoints.ApiReference == true) app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapCinemaSyncHealth();
        if (endpoints.Metrics == true) app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapClusterApi(app.Environment);
        app.MapConfigApi();
        app.MapAuthApi();
        app.MapRoomsApi();
        app.MapQueueApi();
        app.MapGoogleOAuthApi();
        app.MapMoviesApi();
        app.MapStreamApi();
        app.MapSubtitlesApi();
        app.MapCinemaSyncRealtime();
        app.LogAuthConfiguration();
        app.Logger.LogInformation("Environment: {Environment}; working directory {WorkingDirectory}; settings file {DotEnv}",
            app.Environment.EnvironmentName, Directory.GetCurrentDirectory(),
            dotEnv ?? $"none (looked for {string.Join(", ", StartupEnvironment.DotEnvCandidates())})");
        app.Logger.LogInformation("Storage: {Storage}", app.Services.GetRequiredService<StorageDescription>());
        app.Logger.LogInformation("Orleans: {Cluster}", app.Services.GetRequiredService<ClusterDescription>());
        app.Logger.LogInformation("Endpoints: /metrics {Metrics}, /openapi {OpenApi}, /scalar {Scalar}",
            OnOff(endpoints.Metrics), OnOff(endpoints.OpenApi), OnOff(endpoints.ApiReference));
        return app;
    }

    private static string OnOff(bool? on) => on == true ? "on" : "off";

    /// <summary>Any of ASP.NET's ways to say where to listen; without one the node listens on <see cref="DefaultUrl"/>.</summary>
    private static bool HasListenAddress(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"]) || !string.IsNullOrEmpty(configuration["http_ports"])
        || !string.IsNullOrEmpty(configuration["https_ports"]) || configuration.GetSection("Kestrel:Endpoints").Exists();

    /// <summary>
    /// The watch page's files: <c>wwwroot</c> next to the build output (the project copies it
    /// there), so every way of starting the node serves the same page whatever its working
    /// directory. <c>--webroot</c> or <c>ASPNETCORE_WEBROOT</c> still override it.
    /// </summary>
    private static string? WebRoot(string[] args)
    {
        if (args.Any(a => a.StartsWith("--webroot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_WEBROOT"))) return null;
        var besideBuild = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(besideBuild) ? besideBuild : null;
    }

    /// <summary>
    /// Serves the watch page at <c>/</c> (index.html) and its scripts. <c>no-cache</c> makes the
    /// browser revalidate (ETag) so a rebuilt page is never mixed with stale modules.
    /// </summary>
    private static WebApplication UseWatchPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    /// <summary>
    /// The content root is the working directory, so <c>dotnet path/to/CinemaSync.Web.dll</c> run
    /// from anywhere else found no appsettings.json and logged at Information for every category:
    /// each hub connection's request line, access token in the query string included, and Orleans'
    /// chatter. The shipped appsettings.json beside the assembly is then read as the lowest-priority
    /// source (environment variables and arguments still win).
    /// </summary>
    private static void AddShippedSettingsWhenStartedElsewhere(WebApplicationBuilder builder)
    {
        const string file = "appsettings.json";
        var baseDirectory = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, file)) || !File.Exists(Path.Combine(baseDirectory, file)))
            return;
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = file,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(baseDirectory),
        });
    }
}

using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Health;
using CinemaSync.Web.Realtime;
using CinemaSync.Web.Rooms;
using Scalar.AspNetCore;

namespace CinemaSync.Web.Hosting;

/// <summary>Builds the web node. Program.cs and the tests both start it from here.</summary>
public static class CinemaSyncApp
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        DotEnvFile.Load(Path.Combine(Directory.GetCurrentDirectory(), ".env"));
        var builder = WebApplication.CreateBuilder(args);
        AddShippedSettingsWhenStartedElsewhere(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => CinemaSyncJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.AddCinemaSyncCors();
        builder.AddCinemaSyncAuth();
        builder.AddCinemaSyncDataProtection();
        builder.AddCinemaSyncGoogleOAuth();
        builder.AddCinemaSyncOrleans();
        builder.AddCinemaSyncRealtime();
        configure?.Invoke(builder);
        builder.Services.StartDataProtectionAfterOrleans();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapAuthApi();
        app.MapRoomsApi();
        app.MapGoogleOAuthApi();
        app.MapHub<RoomHub>(RoomHub.Path, hub => hub.AllowStatefulReconnects = true);
        app.LogAuthConfiguration();
        app.Logger.LogInformation("Storage: {Storage}", app.Services.GetRequiredService<StorageDescription>());
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

    private static WebApplicationBuilder AddCinemaSyncCors(this WebApplicationBuilder builder)
    {
        // FRONTEND_URL (comma-separated) is the allowlist; credentials are allowed for SignalR.
        var origins = (builder.Configuration["FRONTEND_URL"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/'))
            .ToArray();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0) policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials();
        }));
        return builder;
    }
}

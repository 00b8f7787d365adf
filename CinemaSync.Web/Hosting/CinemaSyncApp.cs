using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
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
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => CinemaSyncJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.AddCinemaSyncCors();
        builder.AddCinemaSyncAuth();
        builder.AddCinemaSyncOrleans();
        builder.AddCinemaSyncRealtime();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapClusterApi(app.Configuration, app.Environment);
        app.MapAuthApi();
        app.MapRoomsApi();
        app.MapHub<RoomHub>(RoomHub.Path);
        app.WarnAboutDevelopmentSecret();
        app.Logger.LogInformation("Storage: {Storage}", app.Services.GetRequiredService<StorageDescription>());
        app.Logger.LogInformation("Orleans: {Cluster}", app.Services.GetRequiredService<ClusterDescription>());
        return app;
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

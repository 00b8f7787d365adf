using System.Reflection;
using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CinemaSync.Web.Health;

public static class HealthApi
{
    public sealed record HealthBody(string Status, string Storage, string Cluster, string Version);

    public static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Get).AllowAnonymous().WithTags("Health");
        return app;
    }

    private static Ok<HealthBody> Get(StorageDescription storage, ClusterDescription cluster) =>
        TypedResults.Ok(new HealthBody("ok", storage.Name, cluster.Mode, Version));
}

using System.Reflection;
using CinemaSync.Grains.Hosting;
using CinemaSync.Grains.Storage;
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

    /// <summary>
    /// "degraded" when the store refuses a real write or, in client mode, when no gateway is
    /// connected (the answer stays 200 so the body can be read).
    /// </summary>
    private static async Task<Ok<HealthBody>> Get(
        StorageDescription storage, ClusterDescription cluster, ClusterConnectionState connection,
        IEnumerable<IStorageHealth> stores, CancellationToken ct)
    {
        var healthy = connection.ConnectedGateways > 0;
        foreach (var store in stores) healthy &= await store.IsHealthyAsync(ct);
        return TypedResults.Ok(new HealthBody(healthy ? "ok" : "degraded", storage.Name, cluster.Mode, Version));
    }
}

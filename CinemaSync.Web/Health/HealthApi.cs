using System.Reflection;
using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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

    /// <summary>The contract's shape over the same checks as <c>/health/ready</c>; "degraded" when one fails (still 200).</summary>
    private static async Task<Ok<HealthBody>> Get(
        StorageDescription storage, ClusterDescription cluster, HealthCheckService checks, CancellationToken ct)
    {
        var report = await checks.CheckHealthAsync(c => c.Tags.Contains(HealthSetup.ReadyTag), ct);
        var status = report.Status == HealthStatus.Healthy ? "ok" : "degraded";
        return TypedResults.Ok(new HealthBody(status, storage.Name, cluster.Mode, Version));
    }
}

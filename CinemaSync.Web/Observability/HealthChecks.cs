using CinemaSync.Grains.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CinemaSync.Web.Observability;

/// <summary>The store accepts a real write within a short time.</summary>
public sealed class StorageHealthCheck(IEnumerable<IStorageHealth> stores) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        foreach (var store in stores)
        {
            bool healthy;
            try
            {
                healthy = await store.IsHealthyAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"{store.Name}: a probe write took longer than {Timeout.TotalSeconds} s");
            }
            if (!healthy) return HealthCheckResult.Unhealthy($"{store.Name}: a probe write failed");
        }
        return HealthCheckResult.Healthy();
    }
}

/// <summary>The grains answer: the co-hosted silo is up, or a gateway of the cluster is reachable.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", ex);
        }
    }
}

public static class HealthSetup
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddCinemaSyncHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag]);
        return builder;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: storage and cluster answer.</summary>
    public static WebApplication MapCinemaSyncHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}

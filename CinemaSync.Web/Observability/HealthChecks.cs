using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Observability;

public sealed class HealthOptions : IValidatedSettings
{
    public const string Section = "Health";

    /// <summary>
    /// How long a probe's result is reused. The health routes are anonymous and the storage probe is
    /// a real write: without this, every request would be one.
    /// </summary>
    public TimeSpan ProbeCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (ProbeCacheDuration < TimeSpan.Zero || ProbeCacheDuration > TimeSpan.FromMinutes(5))
            yield return "Health:ProbeCacheDuration must be between 0 and 5 minutes.";
    }
}

/// <summary>
/// Each probe runs at most once per <see cref="HealthOptions.ProbeCacheDuration"/>, whoever asks;
/// requests meanwhile share its result (or the run still under way).
/// </summary>
public sealed class HealthProbeCache(IOptions<HealthOptions> options, TimeProvider clock)
{
    private readonly Dictionary<string, (DateTimeOffset StartedAt, Task<HealthCheckResult> Result)> _last = new();

    public Task<HealthCheckResult> GetAsync(string name, Func<Task<HealthCheckResult>> probe, CancellationToken cancellationToken)
    {
        Task<HealthCheckResult> result;
        lock (_last)
        {
            var now = clock.GetUtcNow();
            if (!_last.TryGetValue(name, out var last) || now - last.StartedAt >= options.Value.ProbeCacheDuration || now < last.StartedAt)
                _last[name] = last = (now, probe());
            result = last.Result;
        }
        return result.WaitAsync(cancellationToken);
    }
}

/// <summary>The store accepts a real write within a short time.</summary>
public sealed class StorageHealthCheck(IEnumerable<IStorageHealth> stores, HealthProbeCache cache) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        cache.GetAsync("storage", ProbeAsync, cancellationToken);

    /// <summary>Not tied to one request's cancellation: its result serves the requests that follow.</summary>
    private async Task<HealthCheckResult> ProbeAsync()
    {
        foreach (var store in stores)
        {
            bool healthy;
            try
            {
                healthy = await store.IsHealthyAsync().WaitAsync(Timeout);
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
public sealed class ClusterHealthCheck(IGrainFactory grains, HealthProbeCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        cache.GetAsync("cluster", ProbeAsync, cancellationToken);

    private async Task<HealthCheckResult> ProbeAsync()
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3));
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex)
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
        builder.Services.AddValidatedSettings<HealthOptions>(builder.Configuration, HealthOptions.Section);
        builder.Services.AddSingleton<HealthProbeCache>();
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

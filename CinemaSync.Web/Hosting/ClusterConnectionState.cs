using CinemaSync.Web.Realtime;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// What this node knows of its link to the cluster: connected gateways (client mode) and a
/// signal raised whenever the set of silos or gateways changes, on which the
/// <see cref="RoomSubscriptions"/> service re-subscribes at once instead of waiting for its timer.
/// </summary>
public sealed class ClusterConnectionState
{
    private int _gateways;

    public int ConnectedGateways => Volatile.Read(ref _gateways);

    public event Action? Changed;

    public void GatewayCountChanged(int current) => Interlocked.Exchange(ref _gateways, current);

    public void RaiseChanged() => Changed?.Invoke();
}

/// <summary>Client mode: Orleans tells us when gateways come and go.</summary>
internal sealed class ClusterConnectionObserver(ClusterConnectionState state) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        state.GatewayCountChanged(currentNumberOfGateways);
        state.RaiseChanged();
    }

    public void NotifyClusterConnectionLost()
    {
        state.GatewayCountChanged(0);
        state.RaiseChanged();
    }
}

/// <summary>Client mode: keep trying to reach a gateway while the cluster is not up yet.</summary>
internal sealed class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger) : IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempt);
        var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt));
        logger.LogWarning("No Orleans gateway answered (attempt {Attempt}: {Error}); retrying in {Delay} ms",
            attempt, exception.Message, delay.TotalMilliseconds);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        return true;
    }
}

/// <summary>
/// Co-hosted silo: raises <see cref="ClusterConnectionState.Changed"/> on every membership change
/// (a silo joined, died or left), once the local silo has seen it.
/// </summary>
internal sealed class SiloMembershipWatcher(IClusterMembershipService membership, ClusterConnectionState state, ILogger<SiloMembershipWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? last = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var active = string.Join(",", snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).Order());
                if (last is not null && active != last)
                {
                    logger.LogInformation("Cluster membership changed: active silos {Silos}", active);
                    state.RaiseChanged();
                }
                last = active;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// Client mode: a gateway-count change only fires for gateways this client was connected to, so
/// also poll the active silo set (one small management call every
/// <c>Realtime:MembershipPollInterval</c>) and raise the signal when a silo is declared dead or joins.
/// </summary>
internal sealed class ClientMembershipWatcher(
    IClusterClient client, ClusterConnectionState state, IOptions<RealtimeOptions> settings, ILogger<ClientMembershipWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.MembershipPollInterval;
        var management = client.GetGrain<IManagementGrain>(0);
        string? last = null;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var hosts = await management.GetHosts(onlyActive: true).WaitAsync(interval * 3, stoppingToken);
                    var active = string.Join(",", hosts.Keys.Select(s => s.ToString()).Order());
                    if (last is not null && active != last)
                    {
                        logger.LogInformation("Cluster membership changed: active silos {Silos}", active);
                        state.RaiseChanged();
                    }
                    last = active;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogDebug(ex, "Membership poll failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

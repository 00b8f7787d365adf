using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Hosting;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// This node's subscriptions to rooms: one <see cref="NodeRoomObserver"/> per room with local members,
/// held strongly here (a grain observer reference does not keep its object alive), and a background
/// loop whose only job is re-subscription: on a timer, so a room that moved or restarted learns who is
/// here; at once when the cluster changes (a silo died or joined, a gateway came or went) or when a
/// room's observer sees a gap in its events (that room only); and every second after a failure until
/// it lands. Each subscription tells the room the last seq this node forwarded, so the room sends what
/// the node missed. Who is in which room is <see cref="LocalConnections"/>'.
/// With a silo in this process (<paramref name="local"/> given), each observer is also registered
/// there for as long as its subscription lives, so the rooms call it without an Orleans message.
/// </summary>
public sealed class RoomSubscriptions(
    IGrainFactory grains,
    NodeRoomObserver.Factory observers,
    LocalConnections connections,
    IOptions<RealtimeOptions> options,
    ClusterConnectionState cluster,
    ILogger<RoomSubscriptions> logger,
    LocalRoomObservers? local = null) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _wake = new(0, 1);

    private sealed class Subscription(NodeRoomObserver observer, IRoomObserver reference, IRoomGrain room)
    {
        /// <summary>Held so the observer lives as long as the subscription: the grain's reference to it is weak.</summary>
        public NodeRoomObserver Observer { get; } = observer;
        public IRoomObserver Reference { get; } = reference;
        public IRoomGrain Room { get; } = room;
        public int PendingJoins { get; set; }
        /// <summary>No local member and no join at the last re-subscription: dropped at the next one if still so.</summary>
        public bool Idle { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Subscription> _rooms = new();

    /// <summary>Rooms to re-subscribe to now; <see cref="_refreshAll"/>: all of them.</summary>
    private readonly HashSet<string> _refreshRooms = [];
    private bool _refreshAll;

    /// <summary>Rooms with a live subscription on this node.</summary>
    public int RoomCount
    {
        get { lock (_gate) return _rooms.Count; }
    }

    /// <summary>Holds the room's subscription while a join is under way; <see cref="JoinHold.Node"/> is the observer the room sends to.</summary>
    public JoinHold HoldForJoin(string roomId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var subscription))
            {
                var room = grains.GetGrain<IRoomGrain>(roomId);
                var observer = observers.Create(roomId, room, () => RequestRefresh(roomId));
                subscription = new Subscription(observer, grains.CreateObjectReference<IRoomObserver>(observer), room);
                _rooms[roomId] = subscription;
                local?.Register(subscription.Reference, observer, logger);
            }
            subscription.PendingJoins++;
            subscription.Idle = false;
            return new JoinHold(this, roomId, subscription.Reference);
        }
    }

    public readonly struct JoinHold(RoomSubscriptions owner, string roomId, IRoomObserver node) : IDisposable
    {
        public IRoomObserver Node { get; } = node;

        public void Dispose() => owner.EndJoin(roomId);
    }

    private void EndJoin(string roomId)
    {
        lock (_gate) _rooms[roomId].PendingJoins--;
    }

    /// <summary>
    /// The room's grain reference: the one kept with the room's subscription when this node has
    /// members there (the hub's hot path: playback, chat), else a new one. <c>GetGrain</c> resolves
    /// the grain type from the interface on every call, which cost about as much CPU as the
    /// playback command itself in the grain. Only rooms with local members are kept, so ids from
    /// clients cannot grow this.
    /// </summary>
    public IRoomGrain RoomGrain(string roomId)
    {
        lock (_gate)
        {
            if (_rooms.TryGetValue(roomId, out var subscription)) return subscription.Room;
        }
        return grains.GetGrain<IRoomGrain>(roomId);
    }


    /// <summary>The observer of a room this node has members of, and its reference (for tests that play the room).</summary>
    internal (NodeRoomObserver Observer, IRoomObserver Reference)? ObserverOf(string roomId)
    {
        lock (_gate) return _rooms.TryGetValue(roomId, out var s) ? (s.Observer, s.Reference) : null;
    }

    /// <summary>Re-subscribe to every room now rather than at the next tick (the cluster changed).</summary>
    public void RequestRefresh()
    {
        lock (_gate) _refreshAll = true;
        Wake();
    }

    /// <summary>Re-subscribe to this room now (its observer saw a gap).</summary>
    public void RequestRefresh(string roomId)
    {
        lock (_gate) _refreshRooms.Add(roomId);
        Wake();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>What to re-subscribe to now: null for every room.</summary>
    private HashSet<string>? TakeRequests(bool woken)
    {
        lock (_gate)
        {
            var only = woken && !_refreshAll ? _refreshRooms.ToHashSet() : null;
            _refreshAll = false;
            _refreshRooms.Clear();
            return only;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        cluster.Changed += RequestRefresh;
        try
        {
            var interval = options.Value.ObserverRefreshInterval;
            var delay = interval;
            while (!stoppingToken.IsCancellationRequested)
            {
                var woken = await _wake.WaitAsync(delay, stoppingToken);
                var only = TakeRequests(woken);
                if (woken && only is null) logger.LogInformation("Cluster changed: re-subscribing to {Rooms} rooms now", RoomCount);
                var failed = await RefreshAsync(stoppingToken, only);
                delay = failed > 0 && RetryDelay < interval ? RetryDelay : interval;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            cluster.Changed -= RequestRefresh;
        }
    }

    /// <summary>
    /// A room whose last local member went is dropped once a whole re-subscription interval passed
    /// without a member or a join: the room's word that a join landed (its observer's
    /// <c>OnConnectionJoinedAsync</c>) may arrive after the join's answer, and must find the observer.
    /// </summary>
    private void DropIfUnused(string roomId, Subscription subscription, int localConnections)
    {
        if (localConnections > 0 || subscription.PendingJoins > 0) subscription.Idle = false;
        else if (subscription.Idle) Drop(roomId, subscription);
        else subscription.Idle = true;
    }

    private void Drop(string roomId, Subscription subscription)
    {
        _rooms.Remove(roomId);
        local?.Unregister(subscription.Reference);
    }

    /// <summary>The registry is the process's: a stopped node's observers must leave it, as they leave Orleans with the node.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (local is null) return;
        lock (_gate)
            foreach (var subscription in _rooms.Values) local.Unregister(subscription.Reference);
    }

    /// <summary>
    /// Re-subscribes to every room with local members (or only to <paramref name="only"/>), announcing
    /// this node's connections and the last seq it forwarded; returns how many failed. Those the room
    /// does not accept (it removed them, and the one-way removal may never have arrived) stop
    /// receiving its events here.
    /// </summary>
    internal async Task<int> RefreshAsync(CancellationToken cancellationToken, IReadOnlySet<string>? only = null)
    {
        List<(string RoomId, Subscription Subscription, LocalConnection[] Connections)> work = [];
        lock (_gate)
        {
            foreach (var (roomId, subscription) in _rooms.ToList())
            {
                if (only is not null && !only.Contains(roomId)) continue;
                var local = connections.In(roomId);
                if (local.Length > 0) work.Add((roomId, subscription, local));
                if (only is null) DropIfUnused(roomId, subscription, local.Length);
            }
        }
        var failed = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (room, _) =>
            {
                try
                {
                    var refused = await room.Subscription.Room.SubscribeAsync(room.Subscription.Reference, room.Connections, room.Subscription.Observer.ForwardedSeq)
                        .WaitAsync(CallTimeout, cancellationToken);
                    foreach (var connectionId in refused)
                    {
                        logger.LogInformation("Room {RoomId}: connection {ConnectionId} is no longer in the room; it stops receiving its events",
                            room.RoomId, connectionId);
                        await connections.RemoveAsync(room.RoomId, connectionId);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    logger.LogWarning("Room {RoomId}: re-subscription failed ({Error}); retrying shortly", room.RoomId, ex.Message);
                }
            });
        return failed;
    }
}

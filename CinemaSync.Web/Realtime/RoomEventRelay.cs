using CinemaSync.Contracts;
using CinemaSync.Web.Observability;
using CinemaSync.Grains.Rooms;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// This web node's side of the fan-out: one <see cref="NodeRoomObserver"/> per room that has
/// local members, held strongly here (a grain observer reference does not keep its object
/// alive), re-subscribed on a timer with the node's connections so a room that moved or
/// restarted learns who is here, and dropped when its last local member goes. A change of the
/// cluster (a silo died or joined, a gateway came or went) re-subscribes at once, and a failed
/// re-subscription is retried every second until it lands, so a room that moved to another silo
/// hears from this node as soon as it can be reached.
/// </summary>
public sealed class RoomEventRelay(
    IGrainFactory grains,
    IHubContext<RoomHub> hub,
    IOptions<RealtimeOptions> options,
    ClusterConnectionState cluster,
    ILogger<RoomEventRelay> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _wake = new(0, 1);

    private sealed class Subscription(NodeRoomObserver observer, IRoomObserver reference, IRoomGrain room)
    {
        public NodeRoomObserver Observer { get; } = observer;
        public IRoomObserver Reference { get; } = reference;
        public IRoomGrain Room { get; } = room;
        public Dictionary<string, string> UserByConnection { get; } = new();
        public int PendingJoins { get; set; }
    }

    private readonly object _gate = new();
    private readonly Dictionary<string, Subscription> _rooms = new();
    private readonly Dictionary<string, HashSet<string>> _roomsByConnection = new();
    private readonly Dictionary<string, RttWindow> _rttByConnection = new();

    /// <summary>Rooms with a live subscription on this node.</summary>
    public int RoomCount
    {
        get { lock (_gate) return _rooms.Count; }
    }

    public void Connected(string connectionId)
    {
        lock (_gate) _roomsByConnection.TryAdd(connectionId, []);
    }

    /// <summary>Before a join: the observer the grain should send to. Pair with <see cref="EndJoin"/>.</summary>
    public IRoomObserver BeginJoin(string roomId)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomId, out var subscription))
            {
                var observer = new NodeRoomObserver(roomId, hub, this, logger);
                subscription = new Subscription(observer, grains.CreateObjectReference<IRoomObserver>(observer), grains.GetGrain<IRoomGrain>(roomId));
                _rooms[roomId] = subscription;
            }
            subscription.PendingJoins++;
            return subscription.Reference;
        }
    }

    /// <summary>After a join; returns false when the connection dropped meanwhile (the caller tells the grain).</summary>
    public bool EndJoin(string roomId, string connectionId, string userId, bool joined)
    {
        lock (_gate)
        {
            var subscription = _rooms[roomId];
            subscription.PendingJoins--;
            var live = _roomsByConnection.TryGetValue(connectionId, out var connectionRooms);
            if (joined && live && subscription.UserByConnection.TryAdd(connectionId, userId))
            {
                connectionRooms!.Add(roomId);
                WebTelemetry.JoinedMembers.Add(1);
            }
            DropIfUnused(roomId, subscription);
            return live || !joined;
        }
    }

    /// <summary>The connection no longer belongs to the room (the grain said so).</summary>
    public void Forget(string roomId, string connectionId)
    {
        lock (_gate)
        {
            if (_roomsByConnection.TryGetValue(connectionId, out var connectionRooms)) connectionRooms.Remove(roomId);
            if (_rooms.TryGetValue(roomId, out var subscription))
            {
                if (subscription.UserByConnection.Remove(connectionId)) WebTelemetry.JoinedMembers.Add(-1);
                DropIfUnused(roomId, subscription);
            }
        }
    }

    /// <summary>The connection is gone; returns the rooms whose grains must hear of it.</summary>
    public IReadOnlyCollection<string> Disconnected(string connectionId)
    {
        lock (_gate)
        {
            _rttByConnection.Remove(connectionId);
            if (!_roomsByConnection.Remove(connectionId, out var connectionRooms)) return [];
            foreach (var roomId in connectionRooms)
            {
                if (!_rooms.TryGetValue(roomId, out var subscription)) continue;
                if (subscription.UserByConnection.Remove(connectionId)) WebTelemetry.JoinedMembers.Add(-1);
                DropIfUnused(roomId, subscription);
            }
            return connectionRooms;
        }
    }

    /// <summary>
    /// Adds a round-trip sample of a connection (its last 8 kept, their minimum used). Returns the
    /// new RTT and the rooms to tell when it changed, else null.
    /// </summary>
    public (int RttMs, IReadOnlyCollection<string> Rooms)? ReportRtt(string connectionId, int rttMs)
    {
        lock (_gate)
        {
            if (!_roomsByConnection.TryGetValue(connectionId, out var rooms)) return null;
            if (!_rttByConnection.TryGetValue(connectionId, out var window)) _rttByConnection[connectionId] = window = new RttWindow();
            return window.Add(rttMs) ? (window.Current!.Value, rooms.ToList()) : null;
        }
    }

    /// <summary>How many of this node's connections are joined to the room (the copies one event costs here).</summary>
    public int LocalConnectionCount(string roomId)
    {
        lock (_gate) return _rooms.TryGetValue(roomId, out var subscription) ? subscription.UserByConnection.Count : 0;
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

    public bool IsInRoom(string connectionId, string roomId)
    {
        lock (_gate) return _roomsByConnection.TryGetValue(connectionId, out var rooms) && rooms.Contains(roomId);
    }

    private void DropIfUnused(string roomId, Subscription subscription)
    {
        if (subscription.PendingJoins == 0 && subscription.UserByConnection.Count == 0)
            _rooms.Remove(roomId);
    }

    /// <summary>Re-subscribe now rather than at the next tick (the cluster changed).</summary>
    public void RequestRefresh()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
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
                if (await _wake.WaitAsync(delay, stoppingToken))
                    logger.LogInformation("Cluster changed: re-subscribing to {Rooms} rooms now", RoomCount);
                var failed = await RefreshCoreAsync(stoppingToken);
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
    /// Re-subscribes to every room with local members, announcing this node's connections. Those the
    /// room does not accept (it removed them, and the one-way removal may never have arrived) are
    /// dropped from the room's group here, so they receive nothing more.
    /// </summary>
    public Task RefreshAllAsync(CancellationToken cancellationToken) => RefreshCoreAsync(cancellationToken);

    private async Task<int> RefreshCoreAsync(CancellationToken cancellationToken)
    {
        List<(string RoomId, IRoomGrain Grain, IRoomObserver Reference, NodeRoomObserver Observer, LocalConnection[] Connections)> work;
        lock (_gate)
        {
            work = _rooms.Select(r => (r.Key, r.Value.Room, r.Value.Reference, r.Value.Observer,
                r.Value.UserByConnection.Select(c => new LocalConnection { ConnectionId = c.Key, UserId = c.Value }).ToArray()))
                .Where(r => r.Item5.Length > 0)
                .ToList();
        }
        var failed = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (room, _) =>
            {
                try
                {
                    var refused = await room.Grain.SubscribeAsync(room.Reference, room.Connections)
                        .WaitAsync(CallTimeout, cancellationToken);
                    foreach (var connectionId in refused)
                    {
                        logger.LogInformation("Room {RoomId}: connection {ConnectionId} is no longer in the room; it stops receiving its events",
                            room.RoomId, connectionId);
                        await room.Observer.OnConnectionRemovedAsync(connectionId);
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

using CinemaSync.Contracts;
using CinemaSync.Web.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// This node's observer of one room: forwards the grain's events to the room's SignalR group, each
/// <c>seq</c> once and in order. It remembers the last seq it forwarded: an event at or below it is
/// a duplicate and dropped; an event past a gap is held, and the node re-subscribes at once, telling
/// the room that seq, so the room sends what is missing from its journal
/// (<see cref="OnCatchUpAsync"/>) and the held events follow. When the catch-up cannot be had (past
/// the journal's retention) or does not come within <see cref="RealtimeOptions.GapHoldTimeout"/>,
/// what is held goes out anyway: members that see the gap recover with <c>last_seq</c>.
/// The room calls one observer one at a time, in its order (through Orleans, or through its
/// <see cref="CinemaSync.Grains.Hosting.LocalRoomObservers"/> when the room's silo is in this process), but
/// the hold's timer and the re-subscription loop touch the same state, so all of it is behind one gate. Sends are not awaited: one slow member must not
/// hold up the room; a SignalR send writes to each connection before it returns, so starting them in
/// order under the gate keeps the order.
/// </summary>
public sealed class NodeRoomObserver(
    string roomId,
    IRoomGrain room,
    Action requestRefresh,
    IHubContext<RoomHub> hub,
    LocalConnections connections,
    RealtimeOptions options,
    TimeProvider clock,
    ILogger logger) : IRoomObserver
{
    public sealed class Factory(IHubContext<RoomHub> hub, LocalConnections connections, IOptions<RealtimeOptions> options, TimeProvider clock, ILogger<NodeRoomObserver> logger)
    {
        /// <param name="requestRefresh">Re-subscribe to this room now (a gap was seen).</param>
        public NodeRoomObserver Create(string roomId, IRoomGrain room, Action requestRefresh) =>
            new(roomId, room, requestRefresh, hub, connections, options.Value, clock, logger);
    }

    private const long Unknown = -1;

    private readonly string _group = LocalConnections.GroupName(roomId);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedList<long, RoomEvent> _held = [];

    /// <summary>Connections that joined at a seq this node has not forwarded yet: events up to that seq are in their <c>room_joined</c>.</summary>
    private readonly List<(string ConnectionId, long Seq)> _joinedAhead = [];

    private long _forwarded = Unknown;
    private ITimer? _holdTimer;

    /// <summary>The seq of the last event forwarded to the room's members here; null before the first.</summary>
    public long? ForwardedSeq => Volatile.Read(ref _forwarded) is var seq && seq == Unknown ? null : seq;

    public Task OnRoomEventAsync(RoomEvent roomEvent)
    {
        _gate.Wait();
        try
        {
            if (roomEvent.Seq <= 0) Forward(roomEvent);
            else Receive(roomEvent);
        }
        finally
        {
            _gate.Release();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// In the room's order of events, so the connection hears exactly what follows its join. A connection
    /// that dropped while it was joining is reported gone to the room.
    /// </summary>
    public async Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined)
    {
        await _gate.WaitAsync();
        try
        {
            // A new subscription starts at its first join's seq: what came before is in that room_joined.
            if (_forwarded == Unknown) SetForwarded(joined.Seq);
            else if (joined.Seq > _forwarded) _joinedAhead.Add((connectionId, joined.Seq));
            if (await connections.AddAsync(roomId, connectionId))
                Observe(hub.Clients.Client(connectionId).SendAsync(joined.Name, joined));
            else
                Observe(room.DisconnectAsync(connectionId));
            Drain();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message)
    {
        Observe(hub.Clients.Clients(connectionIds).SendAsync(message.Name, message));
        Measure(message, connectionIds.Count);
        return Task.CompletedTask;
    }

    public Task OnConnectionRemovedAsync(string connectionId) => connections.RemoveAsync(roomId, connectionId);

    /// <summary>
    /// The room's answer to a subscription that was behind: every event up to <see cref="RoomCatchUp.Seq"/>
    /// is now here, so what this node has up to it goes out in order, and forwarding goes on from that
    /// seq. The seq forwarded never goes back: newer events may have overtaken this answer (and been
    /// forwarded), and sending them again would repeat them.
    /// </summary>
    public Task OnCatchUpAsync(RoomCatchUp catchUp)
    {
        _gate.Wait();
        try
        {
            if (_forwarded != Unknown && catchUp.Seq <= _forwarded)
                logger.LogDebug("Room {RoomId}: a catch-up to seq {Seq} came after this node forwarded {Forwarded}; nothing to do", roomId, catchUp.Seq, _forwarded);
            else
            {
                if (catchUp.Missed is null && _forwarded != Unknown)
                    logger.LogWarning("Room {RoomId}: the events after seq {Forwarded} up to {Seq} are no longer in its journal; forwarding the {Held} held here, members recover with last_seq",
                        roomId, _forwarded, catchUp.Seq, _held.Count(e => e.Key <= catchUp.Seq));
                var from = _forwarded;
                var added = 0;
                foreach (var missed in catchUp.Missed ?? [])
                    if (missed.Seq > _forwarded && _held.TryAdd(missed.Seq, missed)) added++;
                // Replays of what this node already forwarded (its subscription crossed an event on the way) are not news.
                if (added > 0)
                    logger.LogInformation("Room {RoomId}: caught up with {Count} missed events after seq {From}, up to {Seq}", roomId, added, from, catchUp.Seq);
                while (_held.Count > 0 && _held.Keys[0] <= catchUp.Seq)
                {
                    Forward(_held.Values[0]);
                    _held.RemoveAt(0);
                }
                SetForwarded(catchUp.Seq);
            }
            Drain();
        }
        finally
        {
            _gate.Release();
        }
        return Task.CompletedTask;
    }

    /// <summary>The next seq goes out; a duplicate is dropped; anything past a gap waits for the catch-up.</summary>
    private void Receive(RoomEvent roomEvent)
    {
        if (_forwarded == Unknown)
        {
            // A new subscription has no member here before its join lands: held until then.
            _held.TryAdd(roomEvent.Seq, roomEvent);
            HoldUntilCaughtUp();
            return;
        }
        if (roomEvent.Seq <= _forwarded)
        {
            logger.LogDebug("Room {RoomId}: seq {Seq} was already forwarded; dropped", roomId, roomEvent.Seq);
            return;
        }
        if (roomEvent.Seq == _forwarded + 1 && _held.Count == 0)
        {
            Forward(roomEvent);
            SetForwarded(roomEvent.Seq);
            if (_joinedAhead.Count > 0) Drain();
            return;
        }
        _held.TryAdd(roomEvent.Seq, roomEvent);
        Drain();
    }

    /// <summary>Forwards the held events that follow on, then holds (or stops holding) for what is still missing.</summary>
    private void Drain()
    {
        while (_held.Count > 0 && _held.Keys[0] <= _forwarded + 1)
        {
            var next = _held.Values[0];
            _held.RemoveAt(0);
            if (next.Seq <= _forwarded) continue;
            Forward(next);
            SetForwarded(next.Seq);
        }
        _joinedAhead.RemoveAll(j => j.Seq <= _forwarded);
        if (_held.Count > 0 || _joinedAhead.Count > 0) HoldUntilCaughtUp();
        else StopHolding();
    }

    private void HoldUntilCaughtUp()
    {
        if (_holdTimer is not null) return;
        _holdTimer = clock.CreateTimer(_ => GiveUpHolding(), null, options.GapHoldTimeout, Timeout.InfiniteTimeSpan);
        if (_forwarded == Unknown) return;
        logger.LogInformation("Room {RoomId}: events after seq {Forwarded} are missing here; holding newer ones and re-subscribing", roomId, _forwarded);
        requestRefresh();
    }

    private void StopHolding()
    {
        _holdTimer?.Dispose();
        _holdTimer = null;
    }

    /// <summary>The catch-up did not come in time: what is held goes out, the gap stays for members to recover.</summary>
    private void GiveUpHolding()
    {
        _gate.Wait();
        try
        {
            if (_holdTimer is null) return;
            _holdTimer.Dispose();
            _holdTimer = null;
            logger.LogWarning("Room {RoomId}: the events after seq {Forwarded} did not come within {Timeout}; forwarding the {Held} held here, members recover with last_seq",
                roomId, _forwarded, options.GapHoldTimeout, _held.Count);
            var through = _joinedAhead.Count > 0 ? Math.Max(_forwarded, _joinedAhead.Max(j => j.Seq)) : _forwarded;
            foreach (var held in _held.Values) Forward(held);
            if (_held.Count > 0) through = Math.Max(through, _held.Keys[^1]);
            _held.Clear();
            SetForwarded(through);
            _joinedAhead.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void SetForwarded(long seq) => Volatile.Write(ref _forwarded, seq);

    private void Forward(RoomEvent roomEvent)
    {
        var clients = hub.Clients.Group(_group);
        if (_joinedAhead.Count > 0 && _joinedAhead.Where(j => j.Seq >= roomEvent.Seq).Select(j => j.ConnectionId).ToList() is { Count: > 0 } knowIt)
            clients = hub.Clients.GroupExcept(_group, knowIt);
        Observe(clients.SendAsync(roomEvent.Name, roomEvent));
        Measure(roomEvent, connections.CountIn(roomId));
    }

    private static void Measure(RoomMessage message, int copies)
    {
        WebTelemetry.EventsDelivered.Add(copies);
        if (message.PublishedAt > 0)
            WebTelemetry.FanOutDuration.Record(TimeSpan.FromTicks(SharedTelemetry.NowTicks - message.PublishedAt).TotalMilliseconds);
    }

    private void Observe(Task send)
    {
        if (send.IsCompletedSuccessfully) return;
        send.ContinueWith(
            t => logger.LogWarning(t.Exception, "Room {RoomId}: a call from its observer failed", roomId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

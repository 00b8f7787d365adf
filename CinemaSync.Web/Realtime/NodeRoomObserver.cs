using CinemaSync.Contracts;
using CinemaSync.Web.Observability;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// This node's observer of one room: forwards the grain's events to the room's SignalR group.
/// Orleans delivers one observer's calls one at a time and in order, and a SignalR send writes
/// to each connection before it returns, so members see events in <c>seq</c> order. Sends are
/// not awaited: one slow member must not hold up the room.
/// </summary>
public sealed class NodeRoomObserver(string roomId, IRoomGrain room, IHubContext<RoomHub> hub, LocalConnections connections, ILogger logger)
    : IRoomObserver
{
    public sealed class Factory(IHubContext<RoomHub> hub, LocalConnections connections, ILogger<NodeRoomObserver> logger)
    {
        public NodeRoomObserver Create(string roomId, IRoomGrain room) => new(roomId, room, hub, connections, logger);
    }

    private readonly string _group = LocalConnections.GroupName(roomId);

    public Task OnRoomEventAsync(RoomEvent roomEvent)
    {
        Observe(hub.Clients.Group(_group).SendAsync(roomEvent.Name, roomEvent));
        Measure(roomEvent, connections.CountIn(roomId));
        return Task.CompletedTask;
    }

    /// <summary>
    /// In the room's order of events, so the connection hears exactly what follows its join. A connection
    /// that dropped while it was joining is reported gone to the room.
    /// </summary>
    public async Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined)
    {
        if (await connections.AddAsync(roomId, connectionId))
            Observe(hub.Clients.Client(connectionId).SendAsync(joined.Name, joined));
        else
            Observe(room.DisconnectAsync(connectionId));
    }

    public Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message)
    {
        Observe(hub.Clients.Clients(connectionIds).SendAsync(message.Name, message));
        Measure(message, connectionIds.Count);
        return Task.CompletedTask;
    }

    public Task OnConnectionRemovedAsync(string connectionId) => connections.RemoveAsync(roomId, connectionId);

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

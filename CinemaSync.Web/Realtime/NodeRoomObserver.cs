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
internal sealed class NodeRoomObserver(
    string roomId, IHubContext<RoomHub> hub, RoomEventRelay relay, ILogger logger) : IRoomObserver
{
    public string Group { get; } = GroupName(roomId);

    public static string GroupName(string roomId) => "room:" + roomId;

    public Task OnRoomEventAsync(RoomEvent roomEvent)
    {
        Observe(hub.Clients.Group(Group).SendAsync(roomEvent.Name, roomEvent));
        Measure(roomEvent, relay.LocalConnectionCount(roomId));
        return Task.CompletedTask;
    }

    private static void Measure(RoomMessage message, int copies)
    {
        WebTelemetry.EventsDelivered.Add(copies);
        if (message.PublishedAt > 0)
            WebTelemetry.FanOutDuration.Record(TimeSpan.FromTicks(SharedTelemetry.NowTicks - message.PublishedAt).TotalMilliseconds);
    }

    public async Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined)
    {
        await hub.Groups.AddToGroupAsync(connectionId, Group);
        Observe(hub.Clients.Client(connectionId).SendAsync(joined.Name, joined));
    }

    public Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message)
    {
        Observe(hub.Clients.Clients(connectionIds).SendAsync(message.Name, message));
        Measure(message, connectionIds.Count);
        return Task.CompletedTask;
    }

    public async Task OnConnectionRemovedAsync(string connectionId)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, Group);
        relay.Forget(roomId, connectionId);
    }

    private void Observe(Task send)
    {
        if (send.IsCompletedSuccessfully) return;
        send.ContinueWith(
            t => logger.LogWarning(t.Exception, "Room {RoomId}: a send to SignalR failed", roomId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Diagnostics;
using CinemaSync.Grains.Hosting;
using CinemaSync.Grains.Rooms.Core;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// The web nodes that have members in one room, and every call the room makes to them: all through
/// one <see cref="ObserverManager{TIdentity, TObserver}"/>, so a node that stopped re-subscribing
/// is never called again. One-way calls: a dead node never holds up the room. A node in this process
/// is called without an Orleans message (<see cref="LocalRoomObservers"/>), in the same order.
/// </summary>
internal sealed class RoomNodes(string roomId, LocalRoomObservers local, TimeSpan expiry, TimeProvider clock, ILogger log)
{
    // Nodes expire on the room's clock, as the core expires their connections.
    private readonly ObserverManager<string, IRoomObserver> _nodes = new(expiry, log) { GetDateTime = () => clock.GetUtcNow().UtcDateTime };

    public static string IdOf(IRoomObserver node) => node.GetGrainId().ToString();

    /// <summary>Tells the nodes what a decision says: its early notices, what the command's node missed before it, its room events, then the rest.</summary>
    /// <param name="commandNode">The node of the connection that sent the command, if any.</param>
    /// <param name="catchUp">The events before the decision that <paramref name="commandNode"/> missed (it re-subscribed after a gap).</param>
    public void Publish<T>(Decision<T> decision, IRoomObserver? commandNode, RoomCatchUp? catchUp = null)
    {
        foreach (var notice in decision.Notices)
            if (notice.BeforeEvents) Send(notice, commandNode);
        if (catchUp is not null && commandNode is not null) CatchUp(commandNode, catchUp);
        foreach (var roomEvent in decision.Events) Broadcast(roomEvent);
        foreach (var notice in decision.Notices)
            if (!notice.BeforeEvents) Send(notice, commandNode);
    }

    private void Broadcast(RoomEvent roomEvent)
    {
        roomEvent = roomEvent with { PublishedAt = SharedTelemetry.NowTicks };
        GrainTelemetry.EventsPublished.Add(1);
        if (log.IsEnabled(LogLevel.Debug)) log.LogDebug("Room {RoomId}: {Event} seq {Seq}", roomId, roomEvent.Name, roomEvent.Seq);
        Notify(node => node.OnRoomEventAsync(roomEvent));
    }

    /// <summary>Straight to the node, whether or not it has members left here: it waits for this answer to its subscription.</summary>
    private void CatchUp(IRoomObserver node, RoomCatchUp catchUp)
    {
        log.LogDebug("Room {RoomId}: catching a node up with {Count} events to seq {Seq}", roomId, catchUp.Missed?.Count, catchUp.Seq);
        try
        {
            local.Deliver(node, n => n.OnCatchUpAsync(catchUp)).Ignore();
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Room {RoomId}: catching a node up failed", roomId);
        }
    }

    private void Send(RoomNotice notice, IRoomObserver? commandNode)
    {
        switch (notice)
        {
            case NodeListening when commandNode is not null:
                _nodes.Subscribe(notice.NodeId, commandNode);
                break;
            case NodeGone:
                _nodes.Unsubscribe(notice.NodeId);
                break;
            case Directed d:
                var message = d.Message with { PublishedAt = SharedTelemetry.NowTicks };
                Notify(d.NodeId, node => node.OnDirectedAsync(d.ConnectionIds, message));
                break;
            case ConnectionJoined j:
                Notify(j.NodeId, node => node.OnConnectionJoinedAsync(j.ConnectionId, j.Joined));
                break;
            case ConnectionRemoved r:
                Notify(r.NodeId, node => node.OnConnectionRemovedAsync(r.ConnectionId));
                break;
        }
    }

    private void Notify(string nodeId, Func<IRoomObserver, Task> call) => Notify(call, node => IdOf(node) == nodeId);

    private void Notify(Func<IRoomObserver, Task> call, Func<IRoomObserver, bool>? only = null) => _nodes.Notify(node => local.Deliver(node, call), only);
}

using Orleans.Concurrency;

namespace CinemaSync.Contracts;

/// <summary>
/// One per web node per room with local members. Every method is one-way: a dead node must
/// never hold up a room.
/// </summary>
public interface IRoomObserver : IGrainObserver
{
    /// <summary>Broadcast to every joined connection of the room on this node.</summary>
    [OneWay] Task OnRoomEventAsync(RoomEvent roomEvent);

    /// <summary>Add the connection to the room's group, then send it <c>room_joined</c>.</summary>
    [OneWay] Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined);

    /// <summary>To these connections only (kicked, member_status).</summary>
    [OneWay] Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message);

    /// <summary>The connection no longer belongs to the room (left, kicked, room closed).</summary>
    [OneWay] Task OnConnectionRemovedAsync(string connectionId);

    /// <summary>What the node missed before its subscription (see <see cref="IRoomGrain.SubscribeAsync"/>), before any newer event.</summary>
    [OneWay] Task OnCatchUpAsync(RoomCatchUp catchUp);
}

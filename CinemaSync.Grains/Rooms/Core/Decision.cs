using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// What the core decided: a refusal (nothing changed), or the accepted changes (already applied,
/// in order), the room events they broadcast, and the messages for particular nodes.
/// </summary>
internal sealed record Decision<T>(
    RoomResult<T> Result,
    IReadOnlyList<RoomChange> Changes,
    IReadOnlyList<RoomEvent> Events,
    IReadOnlyList<RoomNotice> Notices)
{
    /// <summary>With <see cref="RoomCore.Tick"/>: when the room next needs a tick (epoch ms), null when never.</summary>
    public long? NextDue { get; init; }

    /// <summary>Whether the store must keep something of this decision.</summary>
    public bool HasDurableChanges => Changes.Any(c => c is DurableChange);
}

/// <summary>Something for one web node, beside the room events it broadcasts to its members.</summary>
internal abstract record RoomNotice(string NodeId)
{
    /// <summary>Sent before the decision's room events (the others after them).</summary>
    public virtual bool BeforeEvents => false;
}

/// <summary>The node has members here: it must receive the room's events (and is alive).</summary>
internal sealed record NodeListening(string NodeId) : RoomNotice(NodeId)
{
    public override bool BeforeEvents => true;
}

/// <summary>The node holds no connection of the room any more.</summary>
internal sealed record NodeGone(string NodeId) : RoomNotice(NodeId);

/// <summary>A message for some of the node's connections only (<c>kicked</c>, <c>member_status</c>).</summary>
internal sealed record Directed(string NodeId, IReadOnlyList<string> ConnectionIds, RoomMessage Message, bool First = false) : RoomNotice(NodeId)
{
    public override bool BeforeEvents => First;
}

/// <summary>Add the connection to the room's group, then send it <c>room_joined</c>.</summary>
internal sealed record ConnectionJoined(string NodeId, string ConnectionId, RoomJoinedEvent Joined) : RoomNotice(NodeId);

/// <summary>The connection no longer belongs to the room (left, kicked, closed).</summary>
internal sealed record ConnectionRemoved(string NodeId, string ConnectionId) : RoomNotice(NodeId);

using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>The room events kept in memory for <c>join_room</c> with <c>last_seq</c>, oldest first.</summary>
public sealed class RecentRoomEvents(int capacity)
{
    private readonly LinkedList<RoomEvent> _events = new();

    public void Add(RoomEvent roomEvent)
    {
        _events.AddLast(roomEvent);
        if (_events.Count > capacity) _events.RemoveFirst();
    }

    /// <summary>
    /// The events after <paramref name="lastSeq"/> up to the join (<paramref name="seqBeforeJoin"/>),
    /// or a resync when they are no longer all kept.
    /// </summary>
    public JoinResult Resume(JoinResult result, long lastSeq, long seqBeforeJoin, long currentSeq)
    {
        if (lastSeq >= seqBeforeJoin) return result with { MissedEvents = [] };
        var oldestKept = _events.First?.Value.Seq ?? long.MaxValue;
        if (lastSeq + 1 < oldestKept || lastSeq > currentSeq) return result with { Resync = true };
        return result with { MissedEvents = _events.Where(e => e.Seq > lastSeq && e.Seq <= seqBeforeJoin).ToList() };
    }
}

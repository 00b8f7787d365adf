namespace CinemaSync.Grains.Journal;

/// <summary>
/// One room event as the journal keeps it: its position <paramref name="Seq"/> in the room's
/// journal, a type name and the payload (UTF-8 JSON). The store never looks inside the payload.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record JournalEvent([property: Id(0)] long Seq, [property: Id(1)] string Type, [property: Id(2)] byte[] Payload);

/// <summary>The room state as of <paramref name="Seq"/> (every event up to it applied), opaque to the store.</summary>
[GenerateSerializer, Immutable]
internal sealed record JournalSnapshot([property: Id(0)] long Seq, [property: Id(1)] string Type, [property: Id(2)] byte[] Payload)
{
    /// <summary>
    /// The type of a snapshot that is a room document written before the journal existed (the
    /// whole-state JSON). Its <see cref="Seq"/> is 0: the store does not know it; the room reads it
    /// from the payload. The first append to such a room must carry a snapshot, which converts it.
    /// </summary>
    public const string LegacyType = "legacy_room_state";

    public bool IsLegacy => Type == LegacyType;
}

/// <summary>
/// One write to a room's journal, atomic on SQLite: <paramref name="Events"/> (consecutive seqs,
/// possibly none), optionally a <paramref name="Snapshot"/>, and the events up to
/// <paramref name="TrimThrough"/> deleted (0: none). The write is refused with
/// <see cref="JournalConflictException"/> when a seq of <paramref name="Events"/> is already taken;
/// a snapshot written alone is refused when the journal is already past its seq, and with
/// <paramref name="Create"/> when the room exists at all.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record JournalAppend(
    [property: Id(0)] IReadOnlyList<JournalEvent> Events,
    [property: Id(1)] JournalSnapshot? Snapshot = null,
    [property: Id(2)] long TrimThrough = 0,
    [property: Id(3)] bool Create = false)
{
    public long LastSeq => Events.Count > 0 ? Events[^1].Seq : Snapshot?.Seq ?? 0;

    /// <summary>The seq an append is refused at: its first event's, or its snapshot's when it has none.</summary>
    public long FirstSeq => Events.Count > 0 ? Events[0].Seq : Snapshot?.Seq ?? 0;

    /// <summary>
    /// Whether <paramref name="next"/> can go in the same write, after this append: a creation is
    /// written alone, and a snapshot covers the events before it, so it ends a write.
    /// </summary>
    public bool CanBeFollowedBy(JournalAppend next) => !Create && !next.Create && Snapshot is null;

    /// <summary>Appends that follow one another (<see cref="CanBeFollowedBy"/>), as one write.</summary>
    public static JournalAppend Concat(IReadOnlyList<JournalAppend> appends)
    {
        if (appends.Count == 1) return appends[0];
        var events = new List<JournalEvent>();
        foreach (var append in appends) events.AddRange(append.Events);
        return new JournalAppend(events, appends[^1].Snapshot, appends[^1].TrimThrough);
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a write no engine may accept (a caller's bug, not a conflict).</summary>
    public void Validate()
    {
        if (Events.Count == 0 && Snapshot is null)
            throw new ArgumentException("An append carries events, a snapshot, or both.");
        if (Create && Events.Count > 0)
            throw new ArgumentException("A room is created by a snapshot alone.");
        for (var i = 0; i < Events.Count; i++)
        {
            var e = Events[i];
            if (e.Seq < 1 || (i > 0 && e.Seq != Events[i - 1].Seq + 1))
                throw new ArgumentException($"Event seqs must be consecutive and start at 1 or later; got {e.Seq} at index {i}.");
            if (string.IsNullOrEmpty(e.Type) || e.Payload is null)
                throw new ArgumentException($"Event {e.Seq} needs a type and a payload.");
        }
        if (Snapshot is { } snapshot && (snapshot.Seq < LastSeq || string.IsNullOrEmpty(snapshot.Type) || snapshot.Payload is null || snapshot.IsLegacy))
            throw new ArgumentException($"The snapshot must have a type (not the legacy one), a payload and cover the events (seq {snapshot.Seq} < {LastSeq}).");
        if (TrimThrough < 0 || (TrimThrough > 0 && (Snapshot is null || TrimThrough > Snapshot.Seq)))
            throw new ArgumentException("Events are trimmed only with a snapshot that covers them.");
    }
}

/// <summary>What a room starts from: its latest snapshot (null for a new room) and every event after it, in order.</summary>
[GenerateSerializer, Immutable]
internal sealed record JournalLoad([property: Id(0)] JournalSnapshot? Snapshot, [property: Id(1)] IReadOnlyList<JournalEvent> Events)
{
    public static JournalLoad Empty { get; } = new(null, []);

    public bool Exists => Snapshot is not null || Events.Count > 0;
}

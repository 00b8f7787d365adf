namespace CinemaSync.Grains.Journal;

/// <summary>
/// One room's journal as its grain uses it: loads the room, appends accepted events, writes a
/// snapshot with the append that crosses <see cref="RoomJournalOptions.SnapshotEveryEvents"/> or
/// <see cref="RoomJournalOptions.SnapshotAfterBytes"/>, trims what falls outside the retention in
/// that same write, and answers "what came after seq N". Not thread-safe: one per activation.
/// </summary>
internal sealed class RoomJournal(IJournalStore store, string roomId, RoomJournalOptions options)
{
    private int _eventsSinceSnapshot;
    private long _bytesSinceSnapshot;
    private bool _snapshotDue;
    private IReadOnlyList<JournalEvent>? _conversion;

    public IJournalStore Store => store;

    public string RoomId => roomId;

    /// <summary>Entries at or below this seq are not the room's events (a converted room's old chat): no resume reaches them.</summary>
    public long ResumableAfter { get; set; }

    /// <summary>The seq this activation's prepared writes trim the journal through (0: none yet).</summary>
    public long TrimmedThrough { get; private set; }

    /// <summary>The latest snapshot and the events after it; a legacy room gets a snapshot with its next append.</summary>
    public async Task<JournalLoad> LoadAsync(CancellationToken cancellationToken = default)
    {
        var load = await store.LoadAsync(roomId, cancellationToken);
        _eventsSinceSnapshot = load.Events.Count;
        _bytesSinceSnapshot = load.Events.Sum(e => (long)e.Payload.Length);
        _snapshotDue = load.Snapshot?.IsLegacy == true;
        _conversion = null;
        (ResumableAfter, TrimmedThrough) = (0, 0);
        return load;
    }

    /// <summary>
    /// For a legacy room just loaded: <paramref name="entries"/> (at seqs up to the room's, which the
    /// journal does not hold) are written ahead of the events of the append that converts the room,
    /// and read as part of the journal until then.
    /// </summary>
    public void ConvertWith(IReadOnlyList<JournalEvent> entries)
    {
        if (!_snapshotDue) throw new InvalidOperationException($"Room {roomId}: only a legacy room is converted.");
        _conversion = entries.Count > 0 ? entries : null;
    }

    /// <summary>
    /// One decision's write, prepared when the room decides it, in decision order: the counters move
    /// on at once, as if it were written (a failed write makes the room read itself back, and this
    /// journal with it). <paramref name="snapshotAfter"/> gives the room's state after exactly this
    /// decision; it is called now, and only when a snapshot is due.
    /// </summary>
    /// <param name="forceSnapshot">Write a snapshot whatever the counts (the decision changed what no event carries).</param>
    /// <param name="create">The room's first write: a snapshot alone, refused when the room exists.</param>
    public JournalAppend Prepare(IReadOnlyList<JournalEvent> events, Func<JournalSnapshot> snapshotAfter, bool forceSnapshot = false, bool create = false)
    {
        if (events.Count == 0) return WithSnapshot([], snapshotAfter(), create);
        var count = _eventsSinceSnapshot + events.Count;
        var bytes = _bytesSinceSnapshot;
        foreach (var e in events) bytes += e.Payload.Length;
        if (forceSnapshot || _snapshotDue || count >= options.SnapshotEveryEvents || bytes >= options.SnapshotAfterBytes)
            return WithSnapshot(events, snapshotAfter(), create: false);
        (_eventsSinceSnapshot, _bytesSinceSnapshot) = (count, bytes);
        return new JournalAppend(events);
    }

    /// <summary>Writes prepared appends (one, or several joined with <see cref="JournalAppend.Concat"/>) durably.</summary>
    public Task WriteAsync(JournalAppend append, CancellationToken cancellationToken = default)
        => store.AppendAsync(roomId, append, cancellationToken);

    /// <summary>Prepares and writes <paramref name="events"/>: <see cref="Prepare"/>, then <see cref="WriteAsync(JournalAppend, CancellationToken)"/>.</summary>
    public Task AppendAsync(IReadOnlyList<JournalEvent> events, Func<JournalSnapshot> snapshotAfter, bool forceSnapshot = false, CancellationToken cancellationToken = default)
        => WriteAsync(Prepare(events, snapshotAfter, forceSnapshot), cancellationToken);

    /// <summary>
    /// Writes a snapshot alone: with <paramref name="create"/> a room's first write, refused when the
    /// room exists; otherwise refused when the journal is already past the snapshot's seq.
    /// </summary>
    public Task SnapshotAsync(JournalSnapshot snapshot, bool create, CancellationToken cancellationToken = default)
        => WriteAsync(WithSnapshot([], snapshot, create), cancellationToken);

    /// <summary>Every write with a snapshot: the events (behind a pending conversion's entries), the snapshot, the trim.</summary>
    private JournalAppend WithSnapshot(IReadOnlyList<JournalEvent> events, JournalSnapshot snapshot, bool create)
    {
        if (_conversion is { } converted) events = [.. converted, .. events];
        var trimThrough = TrimThrough(snapshot.Seq);
        (_eventsSinceSnapshot, _bytesSinceSnapshot, _snapshotDue, _conversion) = (0, 0, false, null);
        TrimmedThrough = Math.Max(TrimmedThrough, trimThrough);
        return new JournalAppend(events, snapshot, trimThrough, create);
    }

    /// <summary>
    /// Exactly the events <paramref name="lastSeq"/> + 1 … <paramref name="currentSeq"/>, or null
    /// when some of them are no longer kept (or <paramref name="lastSeq"/> is ahead of the room).
    /// </summary>
    public async Task<IReadOnlyList<JournalEvent>?> ReadAfterAsync(long lastSeq, long currentSeq, CancellationToken cancellationToken = default)
    {
        if (lastSeq == currentSeq) return [];
        if (lastSeq > currentSeq || lastSeq < ResumableAfter || lastSeq < 0) return null;
        var wanted = currentSeq - lastSeq;
        if (wanted > options.RetainEvents + options.SnapshotEveryEvents) return null;
        var events = await store.ReadAsync(roomId, lastSeq, (int)wanted, cancellationToken);
        if (events.Count != wanted || events[0].Seq != lastSeq + 1 || events[^1].Seq != currentSeq) return null;
        return events;
    }

    /// <summary>The last <paramref name="count"/> events of <paramref name="type"/> still kept, oldest first.</summary>
    public async Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string type, int count, CancellationToken cancellationToken = default)
        => _conversion is { } pending // the store holds no entry of an unconverted room
            ? pending.Where(e => e.Type == type).TakeLast(count).ToList()
            : await store.ReadLastAsync(roomId, type, count, cancellationToken);

    /// <summary>The snapshot covers every event up to its seq; of those, the last <see cref="RoomJournalOptions.RetainEvents"/> stay.</summary>
    private long TrimThrough(long snapshotSeq) => Math.Max(0, snapshotSeq - options.RetainEvents);
}

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

    public IJournalStore Store => store;

    public string RoomId => roomId;

    /// <summary>The latest snapshot and the events after it; a legacy room gets a snapshot with its next append.</summary>
    public async Task<JournalLoad> LoadAsync(CancellationToken cancellationToken = default)
    {
        var load = await store.LoadAsync(roomId, cancellationToken);
        _eventsSinceSnapshot = load.Events.Count;
        _bytesSinceSnapshot = load.Events.Sum(e => (long)e.Payload.Length);
        _snapshotDue = load.Snapshot?.IsLegacy == true;
        return load;
    }

    /// <summary>
    /// Appends <paramref name="events"/> durably. <paramref name="snapshotAfter"/> gives the room's
    /// state once they are applied; it is called only when a snapshot is due. A failed append leaves
    /// the counters as they were (the caller reloads or retries).
    /// </summary>
    /// <param name="forceSnapshot">Write a snapshot whatever the counts (the decision changed what no event carries).</param>
    public async Task AppendAsync(IReadOnlyList<JournalEvent> events, Func<JournalSnapshot> snapshotAfter, bool forceSnapshot = false, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            await SnapshotAsync(snapshotAfter(), create: false, cancellationToken);
            return;
        }
        var count = _eventsSinceSnapshot + events.Count;
        var bytes = _bytesSinceSnapshot + events.Sum(e => (long)e.Payload.Length);
        var due = forceSnapshot || _snapshotDue || count >= options.SnapshotEveryEvents || bytes >= options.SnapshotAfterBytes;
        JournalAppend append;
        if (due)
        {
            var snapshot = snapshotAfter();
            append = new JournalAppend(events, snapshot, TrimThrough(snapshot.Seq));
        }
        else
        {
            append = new JournalAppend(events);
        }

        await store.AppendAsync(roomId, append, cancellationToken);
        (_eventsSinceSnapshot, _bytesSinceSnapshot, _snapshotDue) = due ? (0, 0, false) : (count, bytes, false);
    }

    /// <summary>
    /// Writes a snapshot alone: with <paramref name="create"/> a room's first write, refused when the
    /// room exists; otherwise refused when the journal is already past the snapshot's seq.
    /// </summary>
    public async Task SnapshotAsync(JournalSnapshot snapshot, bool create, CancellationToken cancellationToken = default)
    {
        await store.AppendAsync(roomId, new JournalAppend([], snapshot, TrimThrough(snapshot.Seq), create), cancellationToken);
        (_eventsSinceSnapshot, _bytesSinceSnapshot, _snapshotDue) = (0, 0, false);
    }

    /// <summary>
    /// Exactly the events <paramref name="lastSeq"/> + 1 … <paramref name="currentSeq"/>, or null
    /// when some of them are no longer kept (or <paramref name="lastSeq"/> is ahead of the room).
    /// </summary>
    public async Task<IReadOnlyList<JournalEvent>?> ReadAfterAsync(long lastSeq, long currentSeq, CancellationToken cancellationToken = default)
    {
        if (lastSeq == currentSeq) return [];
        if (lastSeq > currentSeq || lastSeq < 0) return null;
        var wanted = currentSeq - lastSeq;
        if (wanted > options.RetainEvents + options.SnapshotEveryEvents) return null;
        var events = await store.ReadAsync(roomId, lastSeq, (int)wanted, cancellationToken);
        if (events.Count != wanted || events[0].Seq != lastSeq + 1 || events[^1].Seq != currentSeq) return null;
        return events;
    }

    /// <summary>The last <paramref name="count"/> events of <paramref name="type"/> still kept, oldest first.</summary>
    public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string type, int count, CancellationToken cancellationToken = default)
        => store.ReadLastAsync(roomId, type, count, cancellationToken);

    /// <summary>The snapshot covers every event up to its seq; of those, the last <see cref="RoomJournalOptions.RetainEvents"/> stay.</summary>
    private long TrimThrough(long snapshotSeq) => Math.Max(0, snapshotSeq - options.RetainEvents);
}

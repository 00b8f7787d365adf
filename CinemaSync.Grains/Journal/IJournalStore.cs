namespace CinemaSync.Grains.Journal;

/// <summary>
/// The durable per-room journal: events keyed by (room, seq) and one snapshot per room.
/// An engine returns from <see cref="AppendAsync"/> only once the write is durable as its
/// README states; errors other than a conflict propagate.
/// </summary>
internal interface IJournalStore
{
    /// <summary>Which engine this is (<c>sqlite</c>, <c>mongodb</c>), for logs and metrics.</summary>
    string Name { get; }

    /// <summary>
    /// The latest snapshot and the events after it. A room stored before the journal existed
    /// loads as a snapshot of type <see cref="JournalSnapshot.LegacyType"/>.
    /// </summary>
    Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="append"/>; throws <see cref="JournalConflictException"/> when refused.</summary>
    Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default);

    /// <summary>The events with seq &gt; <paramref name="afterSeq"/> still kept, in order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>The last <paramref name="count"/> kept events of one type, oldest first.</summary>
    Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default);
}

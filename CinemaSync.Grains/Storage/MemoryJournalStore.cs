using CinemaSync.Grains.Journal;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The room journal in process memory, for <c>Storage:Provider=memory</c> (tests): the same
/// contract as the durable engines, and nothing survives the process.
/// </summary>
internal sealed class MemoryJournalStore : IJournalStore
{
    private readonly Dictionary<string, RoomLog> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name => "memory";

    public Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(roomId, out var log)) return Task.FromResult(JournalLoad.Empty);
            var after = log.Snapshot?.Seq ?? 0;
            return Task.FromResult(new JournalLoad(log.Snapshot, log.Events.Values.Where(e => e.Seq > after).ToList()));
        }
    }

    /// <summary>Refusals come back as a faulted task, as from the durable engines.</summary>
    public Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
    {
        try
        {
            Append(roomId, append);
            return Task.CompletedTask;
        }
        catch (Exception ex) when (ex is JournalConflictException or ArgumentException)
        {
            return Task.FromException(ex);
        }
    }

    private void Append(string roomId, JournalAppend append)
    {
        append.Validate();
        lock (_lock)
        {
            var log = _rooms.TryGetValue(roomId, out var found) ? found : new RoomLog();
            var after = append.Create ? -1 : append.FirstSeq;
            if (append.Events.Count == 0 && found is not null && (log.Snapshot?.Seq > after || (log.Events.Count > 0 && log.Events.Keys[^1] > after)))
                throw new JournalConflictException(roomId, append.FirstSeq);
            if (append.Events.FirstOrDefault(e => log.Events.ContainsKey(e.Seq)) is { } taken)
                throw new JournalConflictException(roomId, taken.Seq);
            foreach (var e in append.Events) log.Events.Add(e.Seq, e);
            if (append.Snapshot is { } snapshot && (log.Snapshot is null || snapshot.Seq >= log.Snapshot.Seq)) log.Snapshot = snapshot;
            while (log.Events.Count > 0 && log.Events.Keys[0] <= append.TrimThrough) log.Events.RemoveAt(0);
            _rooms[roomId] = log;
        }
    }

    public Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEvent> events = _rooms.TryGetValue(roomId, out var log)
                ? log.Events.Values.Where(e => e.Seq > afterSeq).Take(limit).ToList()
                : [];
            return Task.FromResult(events);
        }
    }

    public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<JournalEvent> events = _rooms.TryGetValue(roomId, out var log)
                ? log.Events.Values.Where(e => e.Type == type).TakeLast(count).ToList()
                : [];
            return Task.FromResult(events);
        }
    }

    private sealed class RoomLog
    {
        public SortedList<long, JournalEvent> Events { get; } = [];

        public JournalSnapshot? Snapshot { get; set; }
    }
}

using CinemaSync.Grains.Journal;

namespace CinemaSync.Grains.Storage;

/// <summary>One room's in-memory journal, held by a grain so every silo of a memory-storage cluster sees the same one.</summary>
[Alias("CinemaSync.Grains.Storage.IMemoryJournalGrain")]
internal interface IMemoryJournalGrain : IGrainWithStringKey
{
    [Alias("Load")] Task<JournalLoad> LoadAsync();

    /// <summary>Null when written; else the seq the append was refused at.</summary>
    [Alias("Append")] Task<long?> AppendAsync(JournalAppend append);

    [Alias("Read")] Task<IReadOnlyList<JournalEvent>> ReadAsync(long afterSeq, int limit);

    [Alias("ReadLast")] Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string type, int count);
}

/// <summary>Kept alive: its memory is the journal, so collecting it would lose the room.</summary>
[KeepAlive]
[GrainType("cinemasync-memory-journal")]
internal sealed class MemoryJournalGrain : Grain, IMemoryJournalGrain
{
    private readonly MemoryJournalStore _store = new();

    private string RoomId => this.GetPrimaryKeyString();

    public Task<JournalLoad> LoadAsync() => _store.LoadAsync(RoomId);

    public async Task<long?> AppendAsync(JournalAppend append)
    {
        try
        {
            await _store.AppendAsync(RoomId, append);
            return null;
        }
        catch (JournalConflictException conflict)
        {
            return conflict.Seq;
        }
    }

    public Task<IReadOnlyList<JournalEvent>> ReadAsync(long afterSeq, int limit) => _store.ReadAsync(RoomId, afterSeq, limit);

    public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string type, int count) => _store.ReadLastAsync(RoomId, type, count);
}

/// <summary>The room journal of <c>Storage:Provider=memory</c>: one <see cref="MemoryJournalGrain"/> per room (dies with its silo).</summary>
internal sealed class GrainMemoryJournalStore(IGrainFactory grains) : IJournalStore
{
    public string Name => "memory";

    public Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default) => Grain(roomId).LoadAsync();

    public async Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
    {
        append.Validate();
        if (await Grain(roomId).AppendAsync(append) is { } refusedAt)
            throw new JournalConflictException(roomId, refusedAt);
    }

    public Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
        => Grain(roomId).ReadAsync(afterSeq, limit);

    public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
        => Grain(roomId).ReadLastAsync(type, count);

    private IMemoryJournalGrain Grain(string roomId) => grains.GetGrain<IMemoryJournalGrain>(roomId);
}

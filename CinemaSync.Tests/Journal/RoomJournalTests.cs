using System.Text;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CinemaSync.Tests.Journal;

/// <summary>When a room's journal snapshots, what it keeps, and what a resume gets, on the SQLite engine.</summary>
public sealed class RoomJournalTests : IAsyncLifetime
{
    private const string Room = "room-1";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("cinemasync-roomjournal-").FullName;
    private readonly List<SqliteJournalStore> _stores = [];
    private int _snapshotsTaken;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private SqliteJournalStore Store()
    {
        var store = new SqliteJournalStore(new SqliteStorageOptions { DataDirectory = _dataDirectory }, NullLogger<SqliteJournalStore>.Instance);
        _stores.Add(store);
        return store;
    }

    private static JournalEvent Event(long seq, int payloadBytes = 20)
        => new(seq, seq % 3 == 0 ? "new_chat_message" : "playback_updated", Encoding.UTF8.GetBytes($"{{\"seq\":{seq},\"pad\":\"{new string('x', payloadBytes)}\"}}"));

    private Func<JournalSnapshot> SnapshotAt(long seq) => () =>
    {
        _snapshotsTaken++;
        return new JournalSnapshot(seq, "room_state", Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}"));
    };

    private async Task<RoomJournal> AppendOneByOneAsync(RoomJournalOptions options, long through, int payloadBytes = 20, IJournalStore? store = null)
    {
        var journal = new RoomJournal(store ?? Store(), Room, options);
        await journal.LoadAsync();
        await journal.SnapshotAsync(new JournalSnapshot(0, "room_state", "{\"seq\":0}"u8.ToArray()), create: true);
        for (long seq = 1; seq <= through; seq++) await journal.AppendAsync([Event(seq, payloadBytes)], SnapshotAt(seq));
        return journal;
    }

    [Fact]
    public async Task AppendAsync_WritesASnapshot_EveryNEvents()
    {
        await AppendOneByOneAsync(new RoomJournalOptions { SnapshotEveryEvents = 10 }, through: 35);

        var load = await Store().LoadAsync(Room);

        Assert.Equal(3, _snapshotsTaken);
        Assert.Equal(30, load.Snapshot!.Seq);
        Assert.Equal([31L, 32, 33, 34, 35], load.Events.Select(e => e.Seq));
    }

    [Fact]
    public async Task AppendAsync_WritesASnapshot_WhenTheEventsSinceTheLastOnePassTheSizeLimit()
    {
        await AppendOneByOneAsync(new RoomJournalOptions { SnapshotEveryEvents = 1000, SnapshotAfterBytes = 1000 }, through: 12, payloadBytes: 300);

        Assert.Equal(3, _snapshotsTaken);
        Assert.Equal(12, (await Store().LoadAsync(Room)).Snapshot!.Seq);
    }

    [Fact]
    public async Task AppendAsync_KeepsAtLeastTheRetainedEvents_WhenItTrims()
    {
        var options = new RoomJournalOptions { SnapshotEveryEvents = 7, RetainEvents = 20 };
        var store = Store();
        await AppendOneByOneAsync(options, through: 100, store: store);

        var kept = await store.ReadAsync(Room, 0, 1000);

        Assert.InRange(kept.Count, options.RetainEvents, options.RetainEvents + options.SnapshotEveryEvents);
        Assert.Equal(100, kept[^1].Seq);
        Assert.Equal(Enumerable.Range((int)kept[0].Seq, kept.Count).Select(i => (long)i), kept.Select(e => e.Seq));
    }

    [Fact]
    public async Task ReadAfterAsync_ReturnsExactlyTheMissedEvents_WhenTheyAreStillKept()
    {
        var journal = await AppendOneByOneAsync(new RoomJournalOptions { SnapshotEveryEvents = 5, RetainEvents = 10 }, through: 40);

        var missed = await journal.ReadAfterAsync(lastSeq: 33, currentSeq: 40);

        Assert.Equal([34L, 35, 36, 37, 38, 39, 40], missed!.Select(e => e.Seq));
        Assert.Empty((await journal.ReadAfterAsync(40, 40))!);
    }

    [Fact]
    public async Task ReadAfterAsync_ReturnsNull_WhenTheMissedEventsArePastTheRetentionOrAheadOfTheRoom()
    {
        var journal = await AppendOneByOneAsync(new RoomJournalOptions { SnapshotEveryEvents = 5, RetainEvents = 10 }, through: 40);

        Assert.Null(await journal.ReadAfterAsync(lastSeq: 3, currentSeq: 40));
        Assert.Null(await journal.ReadAfterAsync(lastSeq: 41, currentSeq: 40));
        Assert.Null(await journal.ReadAfterAsync(lastSeq: -1, currentSeq: 40));
    }

    [Fact]
    public async Task LoadAsync_CountsTheEventsSinceTheSnapshot_WhenTheRoomIsReloadedAfterACrash()
    {
        var options = new RoomJournalOptions { SnapshotEveryEvents = 10 };
        await AppendOneByOneAsync(options, through: 17);
        _snapshotsTaken = 0;

        var reloaded = new RoomJournal(Store(), Room, options);
        var load = await reloaded.LoadAsync();
        await reloaded.AppendAsync([Event(18)], SnapshotAt(18));
        await reloaded.AppendAsync([Event(19)], SnapshotAt(19));
        await reloaded.AppendAsync([Event(20)], SnapshotAt(20));

        Assert.Equal(10, load.Snapshot!.Seq);
        Assert.Equal(7, load.Events.Count);
        Assert.Equal(1, _snapshotsTaken);
        Assert.Equal(20, (await Store().LoadAsync(Room)).Snapshot!.Seq);
    }

    [Fact]
    public async Task ReadLastAsync_ReturnsTheLastMessagesOfAType_FromTheJournal()
    {
        var journal = await AppendOneByOneAsync(new RoomJournalOptions(), through: 30);

        var chat = await journal.ReadLastAsync("new_chat_message", 4);

        Assert.Equal([21L, 24, 27, 30], chat.Select(e => e.Seq));
    }

    [Theory]
    [InlineData(0, 1, 1, "Journal:SnapshotEveryEvents")]
    [InlineData(1, 0, 1, "Journal:SnapshotAfterBytes")]
    [InlineData(1, 1, 0, "Journal:RetainEvents")]
    public void Problems_NamesTheSetting_WhenAValueIsOutOfRange(int every, long bytes, int retain, string setting)
    {
        var problems = new RoomJournalOptions { SnapshotEveryEvents = every, SnapshotAfterBytes = bytes, RetainEvents = retain }.Problems().ToList();

        Assert.StartsWith(setting, Assert.Single(problems));
        Assert.Empty(new RoomJournalOptions().Problems());
    }
}

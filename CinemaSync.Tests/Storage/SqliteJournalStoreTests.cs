using System.Text.Json.Nodes;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;

namespace CinemaSync.Tests.Storage;

/// <summary>The journal contract on SQLite, each test on a fresh temporary data directory.</summary>
public sealed class SqliteJournalStoreTests : JournalStoreContractTests
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("cinemasync-journal-").FullName;
    private readonly List<SqliteJournalStore> _stores = [];

    private SqliteStorageOptions Options => new() { DataDirectory = _dataDirectory };

    private protected override IJournalStore CreateStore()
    {
        var store = new SqliteJournalStore(Options, NullLogger<SqliteJournalStore>.Instance);
        _stores.Add(store);
        return store;
    }

    private protected override async Task WriteLegacyRoomAsync(string roomId, JsonObject document)
    {
        var storage = new SqliteGrainStorage(StorageNames.Default, Options, NullLogger<SqliteGrainStorage>.Instance);
        await storage.WriteStateAsync(StateNames.Room, GrainId.Create("room", roomId), new GrainState<JsonObject>(document));
    }

    private protected override async Task<bool> IsLegacyDocumentAsync(string roomId)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM grain_state WHERE state_name = 'rooms' AND grain_id = $grain;";
        command.Parameters.AddWithValue("$grain", GrainId.Create("room", roomId).ToString());
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Options.DatabasePath};Pooling=false");
        connection.Open();
        return connection;
    }

    [Fact]
    public async Task AppendAsync_StoresOneRowPerEvent_KeyedByRoomAndSeq()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 3), Snapshot(3)));

        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT group_concat(name) FROM pragma_table_info('room_events') WHERE pk > 0),
                   (SELECT count(*) FROM room_events WHERE room_id = $room),
                   (SELECT seq FROM room_snapshots WHERE room_id = $room),
                   (SELECT CAST(payload AS TEXT) FROM room_events WHERE room_id = $room AND seq = 2);
            """;
        command.Parameters.AddWithValue("$room", Room);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("room_id,seq", reader.GetString(0));
        Assert.Equal(3, reader.GetInt64(1));
        Assert.Equal(3, reader.GetInt64(2));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(Event(2).Payload), reader.GetString(3));
    }

    [Fact]
    public async Task AppendAsync_SharesTheFileWithGrainState_WhenBothWriteAtOnce()
    {
        var store = CreateStore();
        var storage = new SqliteGrainStorage(StorageNames.Default, Options, NullLogger<SqliteGrainStorage>.Instance);
        var user = new GrainState<CinemaSync.Grains.Users.UserState>(new CinemaSync.Grains.Users.UserState());

        var journal = Task.Run(async () =>
        {
            for (var seq = 1; seq <= 50; seq++) await store.AppendAsync(Room, new JournalAppend([Event(seq)]));
        });
        for (var i = 0; i < 50; i++) await storage.WriteStateAsync("users", GrainId.Create("user", "u1"), user);
        await journal;

        AssertEvents(Events(1, 50), (await CreateStore().LoadAsync(Room)).Events);
    }
}

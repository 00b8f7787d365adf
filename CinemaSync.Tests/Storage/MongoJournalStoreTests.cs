using System.Text.Json.Nodes;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;

namespace CinemaSync.Tests.Storage;

/// <summary>
/// The journal contract on MongoDB, each test in its own throw-away database. Runs only when
/// <c>CINEMASYNC_TEST_MONGODB_URI</c> is set; otherwise every case reports as skipped with that reason.
/// Every contract case is overridden here with <see cref="MongoFactAttribute"/>
/// (<see cref="JournalStoreOfflineTests"/> checks that none is missed).
/// </summary>
public sealed class MongoJournalStoreTests : JournalStoreContractTests
{
    private readonly string _databaseName = "cinemasync_test_" + Guid.NewGuid().ToString("N");
    private readonly List<MongoJournalStore> _stores = [];

    private MongoStorageOptions Options => new()
    {
        ConnectionString = Environment.GetEnvironmentVariable(MongoFactAttribute.EnvironmentVariable)
            ?? throw new InvalidOperationException($"{MongoFactAttribute.EnvironmentVariable} is not set."),
        DatabaseName = _databaseName,
    };

    private protected override IJournalStore CreateStore() => CreateMongo();

    private MongoJournalStore CreateMongo()
    {
        var store = new MongoJournalStore(Options, NullLogger<MongoJournalStore>.Instance);
        _stores.Add(store);
        return store;
    }

    private protected override async Task WriteLegacyRoomAsync(string roomId, JsonObject document)
    {
        var storage = new MongoGrainStorage(StorageNames.Default, Options, NullLogger<MongoGrainStorage>.Instance);
        await storage.WriteStateAsync(StateNames.Room, GrainId.Create("room", roomId), new GrainState<JsonObject>(document));
    }

    private protected override async Task<bool> IsLegacyDocumentAsync(string roomId)
    {
        var document = await CreateMongo().Database.GetCollection<BsonDocument>("rooms")
            .Find(Builders<BsonDocument>.Filter.Eq("_id", roomId)).SingleAsync();
        return !document.Contains("snapshot_seq");
    }

    public override async Task DisposeAsync()
    {
        if (_stores.Count > 0)
            await _stores[0].Database.Client.DropDatabaseAsync(_databaseName);
    }

    [MongoFact]
    public async Task AppendAsync_CreatesAUniqueRoomSeqIndex_WhenFirstUsed()
    {
        var store = CreateMongo();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 1)));

        var indexes = await (await store.Database.GetCollection<BsonDocument>("room_events").Indexes.ListAsync()).ToListAsync();

        var unique = Assert.Single(indexes, i => i["key"].AsBsonDocument.Names.SequenceEqual(["room_id", "seq"]));
        Assert.True(unique["unique"].ToBoolean());
    }

    [MongoFact]
    public async Task AppendAsync_StoresTheSnapshotAsTheRoomsStateDocument_WhenASnapshotIsWritten()
    {
        var store = CreateMongo();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 2), Snapshot(2)));

        var document = await store.Database.GetCollection<BsonDocument>("rooms").Find(Builders<BsonDocument>.Filter.Eq("_id", Room)).SingleAsync();

        Assert.Equal("room/abc123", document["grain_id"].AsString);
        Assert.Equal(2, document["snapshot_seq"].ToInt64());
        Assert.Equal("Movie night", document["state"]["name"].AsString);
    }

    [MongoFact]
    public override Task LoadCoreAsync_KeepsTheLegacyChatInTheJournal_WhenALegacyRoomIsConverted() => base.LoadCoreAsync_KeepsTheLegacyChatInTheJournal_WhenALegacyRoomIsConverted();

    [MongoFact]
    public override Task LoadCoreAsync_CopiesTheLegacyChatOnce_WhenAConversionStoppedAfterItsEvents() => base.LoadCoreAsync_CopiesTheLegacyChatOnce_WhenAConversionStoppedAfterItsEvents();

    [MongoFact]
    public override Task LoadAsync_ReturnsNothing_WhenRoomIsUnknown() => base.LoadAsync_ReturnsNothing_WhenRoomIsUnknown();

    [MongoFact]
    public override Task LoadAsync_ReturnsEveryEventInOrder_WhenAppendedInSeveralWritesBeforeARestart() => base.LoadAsync_ReturnsEveryEventInOrder_WhenAppendedInSeveralWritesBeforeARestart();

    [MongoFact]
    public override Task AppendAsync_ThrowsConflict_WhenASecondWriterAppendsATakenSeq() => base.AppendAsync_ThrowsConflict_WhenASecondWriterAppendsATakenSeq();

    [MongoFact]
    public override Task AppendAsync_WritesNoneOfTheAppend_WhenALaterSeqOfItIsTaken() => base.AppendAsync_WritesNoneOfTheAppend_WhenALaterSeqOfItIsTaken();

    [MongoFact]
    public override Task AppendAsync_ThrowsConflict_WhenTheRoomIsCreatedTwice() => base.AppendAsync_ThrowsConflict_WhenTheRoomIsCreatedTwice();

    [MongoFact]
    public override Task AppendAsync_RefusesTheWrite_WhenSeqsAreNotConsecutiveOrTrimHasNoSnapshot() => base.AppendAsync_RefusesTheWrite_WhenSeqsAreNotConsecutiveOrTrimHasNoSnapshot();

    [MongoFact]
    public override Task ReadAsync_ReturnsTheEventsAfterASeq_WhenAsked() => base.ReadAsync_ReturnsTheEventsAfterASeq_WhenAsked();

    [MongoFact]
    public override Task ReadLastAsync_ReturnsTheLastEventsOfAType_OldestFirst() => base.ReadLastAsync_ReturnsTheLastEventsOfAType_OldestFirst();

    [MongoFact]
    public override Task LoadAsync_StartsFromTheSnapshot_WhenASnapshotTrimmedTheJournal() => base.LoadAsync_StartsFromTheSnapshot_WhenASnapshotTrimmedTheJournal();

    [MongoFact]
    public override Task LoadAsync_ReturnsTheLastSnapshotAndEveryEventAfterIt_WhenTheWriterCrashedBeforeTheNextSnapshot() => base.LoadAsync_ReturnsTheLastSnapshotAndEveryEventAfterIt_WhenTheWriterCrashedBeforeTheNextSnapshot();

    [MongoFact]
    public override Task AppendAsync_ThrowsConflict_WhenASnapshotAloneComesBehindTheJournal() => base.AppendAsync_ThrowsConflict_WhenASnapshotAloneComesBehindTheJournal();

    [MongoFact]
    public override Task AppendAsync_WritesEveryRoomsEvents_WhenManyRoomsAppendAtOnce() => base.AppendAsync_WritesEveryRoomsEvents_WhenManyRoomsAppendAtOnce();

    [MongoFact]
    public override Task AppendAsync_RefusesOnlyTheConflictingAppend_WhenItIsWrittenTogetherWithOthers() => base.AppendAsync_RefusesOnlyTheConflictingAppend_WhenItIsWrittenTogetherWithOthers();

    [MongoFact]
    public override Task LoadAsync_ReadsTheWholeStateDocument_WhenTheRoomPredatesTheJournal_AndTheFirstWriteConvertsIt() => base.LoadAsync_ReadsTheWholeStateDocument_WhenTheRoomPredatesTheJournal_AndTheFirstWriteConvertsIt();

    [MongoFact]
    public override Task AppendAsync_ReplacesTheSnapshot_WhenASnapshotAloneIsAtTheEndOfTheJournal() => base.AppendAsync_ReplacesTheSnapshot_WhenASnapshotAloneIsAtTheEndOfTheJournal();
}

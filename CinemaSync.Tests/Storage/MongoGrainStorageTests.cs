using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CinemaSync.Tests.Storage;

/// <summary>
/// The storage contract on MongoDB, each test in its own throw-away database. Runs only when
/// <c>CINEMASYNC_TEST_MONGODB_URI</c> is set; otherwise every case reports as skipped with that reason.
/// Every contract case must be overridden here with <see cref="MongoFactAttribute"/>
/// (<see cref="MongoStorageOfflineTests"/> checks that none is missed).
/// </summary>
public sealed class MongoGrainStorageTests : StorageContractTests
{
    private readonly string _databaseName = "cinemasync_test_" + Guid.NewGuid().ToString("N");
    private readonly List<MongoGrainStorage> _storages = [];

    private static string ConnectionString
        => Environment.GetEnvironmentVariable(MongoFactAttribute.EnvironmentVariable)
           ?? throw new InvalidOperationException($"{MongoFactAttribute.EnvironmentVariable} is not set.");

    protected override IGrainStorage CreateStorage() => CreateMongo();

    protected override async Task InsertRawAsync(string stateName, GrainId grainId, string etag, string stateJson)
    {
        var collection = CreateMongo().Database.GetCollection<BsonDocument>(stateName);
        await collection.InsertOneAsync(new BsonDocument
        {
            { "_id", MongoStateDocument.DocumentId(grainId) },
            { "etag", etag },
            { "state", BsonDocument.Parse(stateJson) },
            { "updated_at", new BsonDateTime(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)) },
        });
    }

    public override async Task DisposeAsync()
    {
        if (_storages.Count > 0)
            await _storages[0].Database.Client.DropDatabaseAsync(_databaseName);
    }

    private MongoGrainStorage CreateMongo()
    {
        var storage = new MongoGrainStorage(
            "mongo-test",
            new MongoStorageOptions { ConnectionString = ConnectionString, DatabaseName = _databaseName },
            NullLogger<MongoGrainStorage>.Instance);
        _storages.Add(storage);
        return storage;
    }

    [MongoFact]
    public async Task WriteStateAsync_StoresReadableDocument_WhenStateIsWritten()
    {
        var storage = CreateMongo();
        await storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(ContractStates.Rich()));

        var document = await storage.Database.GetCollection<BsonDocument>("rooms")
            .Find(Builders<BsonDocument>.Filter.Eq("_id", "abc123")).SingleAsync();

        Assert.Equal("room/abc123", document["grain_id"].AsString);
        Assert.True(document["etag"].IsString);
        Assert.True(document["updated_at"].IsValidDateTime);
        var state = document["state"].AsBsonDocument;
        Assert.Equal("user-1", state["host_id"].AsString);
        Assert.True(state["is_active"].AsBoolean);
        Assert.Equal(long.MaxValue - 7, state["big_number"].AsInt64);
        Assert.DoesNotContain("\"_t\"", document.ToJson());
    }

    [MongoFact]
    public async Task WriteStateAsync_CreatesQueryIndexes_WhenRoomsCollectionIsFirstUsed()
    {
        var storage = CreateMongo();
        await storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(new ContractState()));

        var indexes = await (await storage.Database.GetCollection<BsonDocument>("rooms").Indexes.ListAsync()).ToListAsync();
        var keys = indexes.Select(i => string.Join(",", i["key"].AsBsonDocument.Names)).ToHashSet();

        Assert.Contains("state.host_id", keys);
        Assert.Contains("state.is_active", keys);
        Assert.Contains("updated_at", keys);
    }

    [MongoFact]
    public override Task ReadStateAsync_ReturnsDefaults_WhenRecordIsMissing() => base.ReadStateAsync_ReturnsDefaults_WhenRecordIsMissing();

    [MongoFact]
    public override Task ReadStateAsync_ReturnsWrittenState_WhenStateWasWritten() => base.ReadStateAsync_ReturnsWrittenState_WhenStateWasWritten();

    [MongoFact]
    public override Task WriteStateAsync_ChangesEtag_WhenWriteSucceeds() => base.WriteStateAsync_ChangesEtag_WhenWriteSucceeds();

    [MongoFact]
    public override Task WriteStateAsync_ThrowsInconsistentState_WhenEtagIsStale() => base.WriteStateAsync_ThrowsInconsistentState_WhenEtagIsStale();

    [MongoFact]
    public override Task WriteStateAsync_ThrowsInconsistentState_WhenRecordExistsAndEtagIsNull() => base.WriteStateAsync_ThrowsInconsistentState_WhenRecordExistsAndEtagIsNull();

    [MongoFact]
    public override Task WriteStateAsync_ThrowsInconsistentState_WhenRecordIsMissingAndEtagIsSet() => base.WriteStateAsync_ThrowsInconsistentState_WhenRecordIsMissingAndEtagIsSet();

    [MongoFact]
    public override Task ClearStateAsync_ThrowsInconsistentState_WhenEtagIsStale() => base.ClearStateAsync_ThrowsInconsistentState_WhenEtagIsStale();

    [MongoFact]
    public override Task ClearStateAsync_RemovesRecord_WhenEtagMatches() => base.ClearStateAsync_RemovesRecord_WhenEtagMatches();

    [MongoFact]
    public override Task ClearStateAsync_Succeeds_WhenRecordIsMissingAndEtagIsNull() => base.ClearStateAsync_Succeeds_WhenRecordIsMissingAndEtagIsNull();

    [MongoFact]
    public override Task ReadStateAsync_ReturnsLargeState_WhenStateIsAboutOneMegabyte() => base.ReadStateAsync_ReturnsLargeState_WhenStateIsAboutOneMegabyte();

    [MongoFact]
    public override Task WriteStateAsync_LetsExactlyOneWriterWin_WhenTwentyWritersShareEtag() => base.WriteStateAsync_LetsExactlyOneWriterWin_WhenTwentyWritersShareEtag();

    [MongoFact]
    public override Task ReadStateAsync_KeepsInitializerDefaults_WhenStoredDocumentHasOlderSchema() => base.ReadStateAsync_KeepsInitializerDefaults_WhenStoredDocumentHasOlderSchema();

    [MongoFact]
    public override Task ReadStateAsync_SeesWrittenState_WhenStorageIsRecreated() => base.ReadStateAsync_SeesWrittenState_WhenStorageIsRecreated();

    [MongoFact]
    public override Task ReadStateAsync_KeepsRecordsApart_WhenStateNameOrGrainDiffers() => base.ReadStateAsync_KeepsRecordsApart_WhenStateNameOrGrainDiffers();

    [MongoFact]
    public override Task IsHealthyAsync_ReturnsTrue_WhenStoreIsWritable() => base.IsHealthyAsync_ReturnsTrue_WhenStoreIsWritable();
}

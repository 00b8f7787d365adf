using CinemaSync.Contracts;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using Orleans;
using Orleans.Runtime;

namespace CinemaSync.Tests.Storage;

/// <summary>MongoDB provider checks that need no server: document shape, ids, and failure behaviour.</summary>
public sealed class MongoStorageOfflineTests
{
    // Nothing listens on port 1; server selection gives up quickly.
    private static MongoGrainStorage Unreachable() => new(
        "mongo-offline",
        new MongoStorageOptions
        {
            ConnectionString = "mongodb://127.0.0.1:1/?connectTimeoutMS=300",
            DatabaseName = "cinemasync_offline",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(500),
        },
        NullLogger<MongoGrainStorage>.Instance);

    [Fact]
    public void ToBson_ProducesSnakeCaseSubDocument_WhenStateIsConverted()
    {
        var bson = MongoStateDocument.ToBson(ContractStates.Rich());

        Assert.Equal("user-1", bson["host_id"].AsString);
        Assert.Equal(42_000, bson["position_ms"].ToInt64());
        Assert.Equal(long.MaxValue - 7, bson["big_number"].AsInt64);
        Assert.Equal("buffering_ahead", bson["status"].AsString);
        Assert.True(bson["members_by_id"].AsBsonDocument.Contains("مستخدم-٣"));
        Assert.Equal(BsonType.Null, bson["max_members"].BsonType);
        Assert.DoesNotContain("_t", bson.Names);
    }

    [Fact]
    public void FromBson_ReturnsEqualState_WhenStateRoundTripsThroughBson()
    {
        var original = ContractStates.Large();

        var bytes = MongoStateDocument.ToBson(original).ToBson();
        var back = MongoStateDocument.FromBson<ContractState>(MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(bytes));

        Assert.Equal(GrainStateJson.Serialize(original), GrainStateJson.Serialize(back));
        Assert.Equal(0.1 + 0.2, back.Ratio);
        Assert.Equal(original.Samples, back.Samples);
        Assert.EndsWith("🎬 שלום", back.Chat[^1].Text);
        Assert.Equal("ضيف", back.MembersById["مستخدم-٣"].DisplayName);
    }

    [Fact]
    public void FromBson_RoundTripsIntegralDoubles_WhenValuesLookLikeIntegers()
    {
        var state = new ContractState { PlaybackRate = 2.0, Ratio = -0.0, PositionMs = 3 };

        var back = MongoStateDocument.FromBson<ContractState>(MongoStateDocument.ToBson(state));

        Assert.Equal(2.0, back.PlaybackRate);
        Assert.Equal(3, back.PositionMs);
    }

    [Fact]
    public void FromBson_RoundTripsListState_WhenStateIsNotAnObject()
    {
        var back = MongoStateDocument.FromBson<List<string>>(MongoStateDocument.ToBson(new List<string> { "a", "🎬" }));

        Assert.Equal(["a", "🎬"], back);
    }

    [Fact]
    public void DocumentId_IsTheKey_WhenGrainIsStringKeyed()
        => Assert.Equal("abc123", MongoStateDocument.DocumentId(GrainId.Create("room", "abc123")));

    [Fact]
    public void DocumentId_IsTheKey_WhenGrainKeyLooksLikeHex()
        => Assert.Equal("00000000000000ff", MongoStateDocument.DocumentId(GrainId.Create("room", "00000000000000ff")));

    [Fact]
    public async Task WriteStateAsync_Throws_WhenServerIsUnreachable()
    {
        var storage = Unreachable();

        var ex = await Record.ExceptionAsync(() => storage.WriteStateAsync("rooms", GrainId.Create("room", "abc123"), new ContractGrainState(new ContractState())));

        Assert.IsType<TimeoutException>(ex);
    }

    [Fact]
    public async Task ReadStateAsync_Throws_WhenServerIsUnreachable()
    {
        var storage = Unreachable();

        var ex = await Record.ExceptionAsync(() => storage.ReadStateAsync("rooms", GrainId.Create("room", "abc123"), new ContractGrainState()));

        Assert.IsType<TimeoutException>(ex);
    }

    [Fact]
    public async Task IsHealthyAsync_ReturnsFalse_WhenServerIsUnreachable()
    {
        IStorageHealth health = Unreachable();

        Assert.Equal("mongodb", health.Name);
        Assert.False(await health.IsHealthyAsync());
    }

    [Fact]
    public void MongoGrainStorageTests_OverridesEveryContractCase_WhenContractGrows()
        => MongoFactAttribute.AssertGuardsEveryCase(typeof(StorageContractTests), typeof(MongoGrainStorageTests));
}

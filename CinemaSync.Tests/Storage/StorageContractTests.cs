using CinemaSync.Contracts;
using CinemaSync.Grains.Storage;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CinemaSync.Tests.Storage;

/// <summary>
/// The contract every CinemaSync grain storage provider meets, exercised through
/// <see cref="IGrainStorage"/>. A provider's test class derives from this and supplies a fresh,
/// isolated store per test (a new class instance is created for every test).
/// </summary>
/// <remarks>
/// Cases are virtual so a provider that needs an external server can override them with a fact
/// that is skipped when the server is not configured (see <see cref="MongoGrainStorageTests"/>).
/// </remarks>
public abstract class StorageContractTests : IAsyncLifetime
{
    protected const string StateName = "rooms";
    protected static readonly GrainId RoomId = GrainId.Create("room", "abc123");

    /// <summary>A new provider instance over this test's store; calling it twice simulates a restart.</summary>
    protected abstract IGrainStorage CreateStorage();

    /// <summary>Stores a hand-written record with the given state JSON and etag, bypassing the provider.</summary>
    protected abstract Task InsertRawAsync(string stateName, GrainId grainId, string etag, string stateJson);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public virtual async Task ReadStateAsync_ReturnsDefaults_WhenRecordIsMissing()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(new ContractState { Name = "sentinel" }, "stale") { RecordExists = true };

        await storage.ReadStateAsync(StateName, RoomId, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        AssertSame(new ContractState(), state.State);
    }

    [Fact]
    public virtual async Task ReadStateAsync_ReturnsWrittenState_WhenStateWasWritten()
    {
        var storage = CreateStorage();
        var written = new ContractGrainState(ContractStates.Rich());

        await storage.WriteStateAsync(StateName, RoomId, written);
        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);

        Assert.True(written.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        AssertSame(ContractStates.Rich(), read.State);
        Assert.Equal(long.MaxValue - 7, read.State.BigNumber);
        Assert.Equal(0.1 + 0.2, read.State.Ratio);
        Assert.Equal(ContractStates.Rich().Samples, read.State.Samples);
        Assert.Equal(ContractStates.Unicode, read.State.Chat[0].Text);
        Assert.Equal("ضيف", read.State.MembersById["مستخدم-٣"].DisplayName);
        Assert.Null(read.State.MaxMembers);
        Assert.Null(read.State.MembersById["user-2"].AvatarUrl);
        Assert.Empty(read.State.Tags);
    }

    [Fact]
    public virtual async Task WriteStateAsync_ChangesEtag_WhenWriteSucceeds()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(ContractStates.Rich());

        await storage.WriteStateAsync(StateName, RoomId, state);
        var first = state.ETag;
        state.State.PositionMs = 43_000;
        await storage.WriteStateAsync(StateName, RoomId, state);

        Assert.NotEqual(first, state.ETag);
        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);
        Assert.Equal(43_000, read.State.PositionMs);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public virtual async Task WriteStateAsync_ThrowsInconsistentState_WhenEtagIsStale()
    {
        var storage = CreateStorage();
        var first = new ContractGrainState(ContractStates.Rich());
        await storage.WriteStateAsync(StateName, RoomId, first);
        var staleEtag = first.ETag;
        await storage.WriteStateAsync(StateName, RoomId, first);

        var stale = new ContractGrainState(new ContractState { Name = "lost update" }, staleEtag);
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, RoomId, stale));

        Assert.Equal(first.ETag, ex.StoredEtag);
        Assert.Equal(staleEtag, ex.CurrentEtag);
        Assert.Equal(staleEtag, stale.ETag);
        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);
        Assert.Equal(ContractStates.Rich().Name, read.State.Name);
    }

    [Fact]
    public virtual async Task WriteStateAsync_ThrowsInconsistentState_WhenRecordExistsAndEtagIsNull()
    {
        var storage = CreateStorage();
        await storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(ContractStates.Rich()));

        var fresh = new ContractGrainState(new ContractState { Name = "second creator" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, RoomId, fresh));
    }

    [Fact]
    public virtual async Task WriteStateAsync_ThrowsInconsistentState_WhenRecordIsMissingAndEtagIsSet()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(ContractStates.Rich(), "etag-of-a-deleted-record");

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, RoomId, state));
    }

    [Fact]
    public virtual async Task ClearStateAsync_ThrowsInconsistentState_WhenEtagIsStale()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(ContractStates.Rich());
        await storage.WriteStateAsync(StateName, RoomId, state);
        var staleEtag = state.ETag;
        await storage.WriteStateAsync(StateName, RoomId, state);

        var stale = new ContractGrainState(new ContractState(), staleEtag) { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, RoomId, stale));

        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);
        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
    }

    [Fact]
    public virtual async Task ClearStateAsync_RemovesRecord_WhenEtagMatches()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(ContractStates.Rich());
        await storage.WriteStateAsync(StateName, RoomId, state);

        await storage.ClearStateAsync(StateName, RoomId, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        AssertSame(new ContractState(), read.State);

        // The grain can start over after a clear.
        read.State.Name = "reborn";
        await storage.WriteStateAsync(StateName, RoomId, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public virtual async Task ClearStateAsync_Succeeds_WhenRecordIsMissingAndEtagIsNull()
    {
        var storage = CreateStorage();
        var state = new ContractGrainState(new ContractState());

        await storage.ClearStateAsync(StateName, RoomId, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public virtual async Task ReadStateAsync_ReturnsLargeState_WhenStateIsAboutOneMegabyte()
    {
        var storage = CreateStorage();
        var large = ContractStates.Large();
        Assert.InRange(GrainStateJson.Serialize(large).Length, 900_000, 2_000_000);
        var state = new ContractGrainState(large);

        await storage.WriteStateAsync(StateName, RoomId, state);
        state.State.Chat[^1].Text = "edited";
        await storage.WriteStateAsync(StateName, RoomId, state);
        var read = new ContractGrainState();
        await CreateStorage().ReadStateAsync(StateName, RoomId, read);

        Assert.Equal(4_000, read.State.Chat.Count);
        Assert.Equal("edited", read.State.Chat[^1].Text);
        AssertSame(state.State, read.State);
    }

    [Fact]
    public virtual async Task WriteStateAsync_LetsExactlyOneWriterWin_WhenTwentyWritersShareEtag()
    {
        // Two provider instances over the same store, as two silos would have.
        var storages = new[] { CreateStorage(), CreateStorage() };
        var initial = new ContractGrainState(ContractStates.Rich());
        await storages[0].WriteStateAsync(StateName, RoomId, initial);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var mine = new ContractGrainState(new ContractState { Name = $"writer {i}", PositionMs = i }, initial.ETag);
            await go.Task;
            try
            {
                await storages[i % 2].WriteStateAsync(StateName, RoomId, mine);
                return (Writer: i, Won: true, Error: (Exception?)null, mine.ETag);
            }
            catch (Exception ex)
            {
                return (Writer: i, Won: false, Error: ex, mine.ETag);
            }
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, r => r.Won);
        Assert.All(results.Where(r => !r.Won), r => Assert.IsType<InconsistentStateException>(r.Error));
        var read = new ContractGrainState();
        await storages[1].ReadStateAsync(StateName, RoomId, read);
        Assert.Equal($"writer {winner.Writer}", read.State.Name);
        Assert.Equal(winner.ETag, read.ETag);
    }

    [Fact]
    public virtual async Task ReadStateAsync_KeepsInitializerDefaults_WhenStoredDocumentHasOlderSchema()
    {
        // Written by an "older version": no theme/tags/playback_rate/reactions, plus fields this version does not know.
        const string oldJson = """
            {
              "name": "Old room",
              "host_id": "user-9",
              "is_active": true,
              "position_ms": 42000,
              "status": "playing",
              "members": ["user-9"],
              "members_by_id": { "user-9": { "display_name": "Nine", "is_host": true, "legacy_flag": 1 } },
              "legacy_video_url": "https://old.example/video.mp4",
              "legacy_settings": { "autoplay": true, "quality": [720, 1080] }
            }
            """;
        await InsertRawAsync(StateName, RoomId, "old-etag", oldJson);
        var storage = CreateStorage();

        var read = new ContractGrainState();
        await storage.ReadStateAsync(StateName, RoomId, read);

        Assert.True(read.RecordExists);
        Assert.Equal("old-etag", read.ETag);
        Assert.Equal("Old room", read.State.Name);
        Assert.Equal("user-9", read.State.HostId);
        Assert.True(read.State.IsActive);
        Assert.Equal(42_000, read.State.PositionMs);
        Assert.Equal(ContractStatus.Playing, read.State.Status);
        Assert.Equal("Nine", read.State.MembersById["user-9"].DisplayName);
        Assert.Equal("dark", read.State.Theme);
        Assert.Equal(["default-tag"], read.State.Tags);
        Assert.Equal(1.0, read.State.PlaybackRate);
        Assert.Empty(read.State.Reactions);

        // And the old record can be updated with its etag.
        read.State.Theme = "light";
        await storage.WriteStateAsync(StateName, RoomId, read);
        Assert.NotEqual("old-etag", read.ETag);
    }

    [Fact]
    public virtual async Task ReadStateAsync_SeesWrittenState_WhenStorageIsRecreated()
    {
        var state = new ContractGrainState(ContractStates.Rich());
        await CreateStorage().WriteStateAsync(StateName, RoomId, state);

        var read = new ContractGrainState();
        await CreateStorage().ReadStateAsync(StateName, RoomId, read);

        Assert.True(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        AssertSame(ContractStates.Rich(), read.State);
    }

    [Fact]
    public virtual async Task ReadStateAsync_KeepsRecordsApart_WhenStateNameOrGrainDiffers()
    {
        var storage = CreateStorage();
        var otherRoom = GrainId.Create("room", "xyz789");
        var user = GrainId.Create("user", "abc123");
        await storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(new ContractState { Name = "room abc" }));
        await storage.WriteStateAsync(StateName, otherRoom, new ContractGrainState(new ContractState { Name = "room xyz" }));
        await storage.WriteStateAsync("users", user, new ContractGrainState(new ContractState { Name = "user abc" }));

        async Task<string> NameOf(string stateName, GrainId id)
        {
            var s = new ContractGrainState();
            await storage.ReadStateAsync(stateName, id, s);
            return s.State.Name;
        }

        Assert.Equal("room abc", await NameOf(StateName, RoomId));
        Assert.Equal("room xyz", await NameOf(StateName, otherRoom));
        Assert.Equal("user abc", await NameOf("users", user));
    }

    [Fact]
    public virtual async Task IsHealthyAsync_ReturnsTrue_WhenStoreIsWritable()
    {
        var health = Assert.IsAssignableFrom<IStorageHealth>(CreateStorage());

        Assert.True(await health.IsHealthyAsync());
        Assert.True(await health.IsHealthyAsync());
    }

    protected static void AssertSame(ContractState expected, ContractState actual)
        => Assert.Equal(GrainStateJson.Serialize(expected), GrainStateJson.Serialize(actual));
}

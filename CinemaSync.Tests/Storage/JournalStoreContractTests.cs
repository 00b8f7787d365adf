using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Storage;

/// <summary>
/// The contract every room-journal engine meets, through <see cref="IJournalStore"/>. An engine's
/// test class derives from this and gives each test a fresh, isolated store. Cases are virtual so
/// the MongoDB class can override them with a fact skipped when no server is configured.
/// </summary>
public abstract class JournalStoreContractTests : IAsyncLifetime
{
    protected const string Room = "abc123";

    /// <summary>A new engine instance over this test's store; calling it twice simulates a restart.</summary>
    private protected abstract IJournalStore CreateStore();

    /// <summary>Stores a room the way the code before the journal did: whole-state JSON through the grain storage.</summary>
    private protected abstract Task WriteLegacyRoomAsync(string roomId, JsonObject document);

    /// <summary>Whether the room's whole-state document is still in its pre-journal form.</summary>
    private protected abstract Task<bool> IsLegacyDocumentAsync(string roomId);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private protected static JournalEvent Event(long seq, string type = "playback_updated")
        => new(seq, type, Encoding.UTF8.GetBytes($$"""{"seq":{{seq}},"text":"événement {{seq}} 🎬","position":{{seq * 1.5}}}"""));

    private protected static JournalEvent[] Events(long from, long to, string type = "playback_updated")
        => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => Event(i, type)).ToArray();

    /// <summary>A room's document as the code before the journal wrote it: the room state and its copy of the last chat messages.</summary>
    private protected static JsonObject LegacyDocument(RoomState state, params ChatMessage[] chat)
    {
        var document = JsonNode.Parse(GrainStateJson.Serialize(state))!.AsObject();
        document["chat"] = JsonSerializer.SerializeToNode(chat, GrainStateJson.Options);
        return document;
    }

    private protected static ChatMessage Chat(string id, string text) => new() { MessageId = id, UserId = "user-1", DisplayName = "Ana", Text = text, SentAt = 5 };

    private protected static JournalSnapshot Snapshot(long seq)
        => new(seq, "room_state", Encoding.UTF8.GetBytes($$"""{"name":"Movie night","seq":{{seq}},"ratio":0.30000000000000004,"big":9223372036854775800,"members":["ana","ضيف"]}"""));

    private protected static void AssertEvents(IEnumerable<JournalEvent> expected, IEnumerable<JournalEvent> actual)
    {
        var e = expected.ToList();
        var a = actual.ToList();
        Assert.Equal(e.Select(x => x.Seq), a.Select(x => x.Seq));
        Assert.Equal(e.Select(x => x.Type), a.Select(x => x.Type));
        Assert.Equal(e.Select(x => Encoding.UTF8.GetString(x.Payload)), a.Select(x => Encoding.UTF8.GetString(x.Payload)));
    }

    private protected static void AssertSnapshot(JournalSnapshot expected, JournalSnapshot? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.Type, actual.Type);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Payload), JsonNode.Parse(actual.Payload)),
            $"snapshot payload {Encoding.UTF8.GetString(actual.Payload)} differs from {Encoding.UTF8.GetString(expected.Payload)}");
    }

    [Fact]
    public virtual async Task LoadAsync_ReturnsNothing_WhenRoomIsUnknown()
    {
        var load = await CreateStore().LoadAsync("nobody-here");

        Assert.False(load.Exists);
        Assert.Null(load.Snapshot);
        Assert.Empty(load.Events);
    }

    [Fact]
    public virtual async Task LoadAsync_ReturnsEveryEventInOrder_WhenAppendedInSeveralWritesBeforeARestart()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend([], Snapshot(0), Create: true));
        await store.AppendAsync(Room, new JournalAppend(Events(1, 1)));
        await store.AppendAsync(Room, new JournalAppend(Events(2, 4, "new_chat_message")));
        await store.AppendAsync("other-room", new JournalAppend(Events(1, 2)));

        var load = await CreateStore().LoadAsync(Room);

        AssertSnapshot(Snapshot(0), load.Snapshot);
        AssertEvents(Events(1, 1).Concat(Events(2, 4, "new_chat_message")), load.Events);
    }

    [Fact]
    public virtual async Task AppendAsync_ThrowsConflict_WhenASecondWriterAppendsATakenSeq()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.AppendAsync(Room, new JournalAppend(Events(1, 3)));

        var stale = new JournalAppend([new JournalEvent(3, "chat", "{\"lost\":true}"u8.ToArray()), Event(4)]);
        var ex = await Assert.ThrowsAsync<JournalConflictException>(() => second.AppendAsync(Room, stale));

        Assert.Equal(Room, ex.RoomId);
        Assert.Equal(3, ex.Seq);
        AssertEvents(Events(1, 3), (await first.LoadAsync(Room)).Events);
        await first.AppendAsync(Room, new JournalAppend(Events(4, 4)));
        AssertEvents(Events(1, 4), (await second.LoadAsync(Room)).Events);
    }

    [Fact]
    public virtual async Task AppendAsync_WritesNoneOfTheAppend_WhenALaterSeqOfItIsTaken()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 1)));
        await store.AppendAsync(Room, new JournalAppend(Events(3, 3)));

        await Assert.ThrowsAsync<JournalConflictException>(() => store.AppendAsync(Room, new JournalAppend(Events(2, 3, "stale"))));

        AssertEvents([Event(1), Event(3)], (await CreateStore().LoadAsync(Room)).Events);
    }

    [Fact]
    public virtual async Task AppendAsync_ThrowsConflict_WhenTheRoomIsCreatedTwice()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend([], Snapshot(0), Create: true));

        await Assert.ThrowsAsync<JournalConflictException>(() => CreateStore().AppendAsync(Room, new JournalAppend([], Snapshot(0), Create: true)));
        await store.AppendAsync("events-only", new JournalAppend(Events(1, 1)));
        await Assert.ThrowsAsync<JournalConflictException>(() => store.AppendAsync("events-only", new JournalAppend([], Snapshot(0), Create: true)));
    }

    [Fact]
    public virtual async Task AppendAsync_ReplacesTheSnapshot_WhenASnapshotAloneIsAtTheEndOfTheJournal()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 5), Snapshot(5)));
        var changed = Snapshot(5) with { Payload = "{\"name\":\"banned someone\"}"u8.ToArray() };

        await store.AppendAsync(Room, new JournalAppend([], changed));

        AssertSnapshot(changed, (await CreateStore().LoadAsync(Room)).Snapshot);
    }

    [Fact]
    public virtual async Task AppendAsync_RefusesTheWrite_WhenSeqsAreNotConsecutiveOrTrimHasNoSnapshot()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(Room, new JournalAppend([Event(1), Event(3)])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(Room, new JournalAppend([Event(0)])));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(Room, new JournalAppend(Events(1, 2), TrimThrough: 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync(Room, new JournalAppend(Events(1, 5), Snapshot(4))));
        Assert.False((await store.LoadAsync(Room)).Exists);
    }

    [Fact]
    public virtual async Task ReadAsync_ReturnsTheEventsAfterASeq_WhenAsked()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 10)));

        AssertEvents(Events(5, 10), await store.ReadAsync(Room, 4, 100));
        AssertEvents(Events(5, 7), await store.ReadAsync(Room, 4, 3));
        Assert.Empty(await store.ReadAsync(Room, 10, 100));
        Assert.Empty(await store.ReadAsync("other-room", 0, 100));
    }

    [Fact]
    public virtual async Task ReadLastAsync_ReturnsTheLastEventsOfAType_OldestFirst()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 3, "new_chat_message")));
        await store.AppendAsync(Room, new JournalAppend(Events(4, 6)));
        await store.AppendAsync(Room, new JournalAppend(Events(7, 8, "new_chat_message")));

        var chat = await store.ReadLastAsync(Room, "new_chat_message", 4);

        AssertEvents(Events(2, 3, "new_chat_message").Concat(Events(7, 8, "new_chat_message")), chat);
    }

    [Fact]
    public virtual async Task LoadAsync_StartsFromTheSnapshot_WhenASnapshotTrimmedTheJournal()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 8)));
        await store.AppendAsync(Room, new JournalAppend(Events(9, 10), Snapshot(10), TrimThrough: 6));
        await store.AppendAsync(Room, new JournalAppend(Events(11, 12)));

        var load = await CreateStore().LoadAsync(Room);

        AssertSnapshot(Snapshot(10), load.Snapshot);
        AssertEvents(Events(11, 12), load.Events);
        AssertEvents(Events(7, 12), await store.ReadAsync(Room, 0, 100));
    }

    [Fact]
    public virtual async Task LoadAsync_ReturnsTheLastSnapshotAndEveryEventAfterIt_WhenTheWriterCrashedBeforeTheNextSnapshot()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 5), Snapshot(5)));
        // Accepted and acknowledged, then the process dies before a snapshot covers them.
        await store.AppendAsync(Room, new JournalAppend(Events(6, 9)));

        var load = await CreateStore().LoadAsync(Room);

        AssertSnapshot(Snapshot(5), load.Snapshot);
        AssertEvents(Events(6, 9), load.Events);
    }

    [Fact]
    public virtual async Task AppendAsync_ThrowsConflict_WhenASnapshotAloneComesBehindTheJournal()
    {
        var store = CreateStore();
        await store.AppendAsync(Room, new JournalAppend(Events(1, 5), Snapshot(5)));

        await Assert.ThrowsAsync<JournalConflictException>(() => store.AppendAsync(Room, new JournalAppend([], Snapshot(3))));

        AssertSnapshot(Snapshot(5), (await CreateStore().LoadAsync(Room)).Snapshot);
    }

    [Fact]
    public virtual async Task AppendAsync_WritesEveryRoomsEvents_WhenManyRoomsAppendAtOnce()
    {
        var store = CreateStore();
        var rooms = Enumerable.Range(0, 40).Select(i => $"room-{i}").ToArray();

        await Task.WhenAll(rooms.Select(async room =>
        {
            for (var seq = 1; seq <= 10; seq++) await store.AppendAsync(room, new JournalAppend([Event(seq)]));
        }));

        var reopened = CreateStore();
        foreach (var room in rooms) AssertEvents(Events(1, 10), (await reopened.LoadAsync(room)).Events);
    }

    [Fact]
    public virtual async Task AppendAsync_RefusesOnlyTheConflictingAppend_WhenItIsWrittenTogetherWithOthers()
    {
        var store = CreateStore();
        await store.AppendAsync("taken", new JournalAppend(Events(1, 1)));

        var appends = Enumerable.Range(0, 20).Select(i => store.AppendAsync($"free-{i}", new JournalAppend(Events(1, 2)))).ToList();
        var conflicting = store.AppendAsync("taken", new JournalAppend(Events(1, 1, "stale")));
        await Task.WhenAll(appends);

        await Assert.ThrowsAsync<JournalConflictException>(() => conflicting);
        for (var i = 0; i < 20; i++) AssertEvents(Events(1, 2), (await store.LoadAsync($"free-{i}")).Events);
        AssertEvents(Events(1, 1), (await store.LoadAsync("taken")).Events);
    }

    [Fact]
    public virtual async Task LoadAsync_ReadsTheWholeStateDocument_WhenTheRoomPredatesTheJournal_AndTheFirstWriteConvertsIt()
    {
        var legacy = new RoomState
        {
            Name = "Old room", HostId = "user-1", IsActive = true, CreatedAt = 1_700_000_000_000, Seq = 57,
            Participants = [new ParticipantState { UserId = "user-1", DisplayName = "Ana", Role = ParticipantRoles.Host, JoinedAt = 1 }],
        };
        await WriteLegacyRoomAsync(Room, LegacyDocument(legacy, Chat("m1", "hola 🎬")));
        var journal = new RoomJournal(CreateStore(), Room, new RoomJournalOptions());

        var load = await journal.LoadAsync();

        Assert.NotNull(load.Snapshot);
        Assert.True(load.Snapshot.IsLegacy);
        Assert.Empty(load.Events);
        var state = GrainStateJson.Deserialize<RoomState>(Encoding.UTF8.GetString(load.Snapshot.Payload));
        Assert.Equal(GrainStateJson.Serialize(legacy), GrainStateJson.Serialize(state));
        Assert.True(await IsLegacyDocumentAsync(Room));

        state.Seq = 58;
        await journal.AppendAsync([Event(58)], () => new JournalSnapshot(58, "room_state", Encoding.UTF8.GetBytes(GrainStateJson.Serialize(state))));

        Assert.False(await IsLegacyDocumentAsync(Room));
        var converted = await CreateStore().LoadAsync(Room);
        Assert.Equal(58, converted.Snapshot!.Seq);
        Assert.Equal("room_state", converted.Snapshot.Type);
        Assert.Empty(converted.Events);
        Assert.Equal(GrainStateJson.Serialize(state), GrainStateJson.Serialize(GrainStateJson.Deserialize<RoomState>(Encoding.UTF8.GetString(converted.Snapshot.Payload))));
        AssertEvents([Event(58)], await CreateStore().ReadAsync(Room, 57, 10));
    }

    [Fact]
    public virtual async Task LoadCoreAsync_KeepsTheLegacyChatInTheJournal_WhenALegacyRoomIsConverted()
    {
        var legacy = new RoomState
        {
            Name = "Old room", HostId = "user-1", IsActive = true, CreatedAt = 1_700_000_000_000, Seq = 57,
            Participants = [new ParticipantState { UserId = "user-1", DisplayName = "Ana", Role = ParticipantRoles.Host, JoinedAt = 1 }],
        };
        await WriteLegacyRoomAsync(Room, LegacyDocument(legacy, Chat("m1", "uno"), Chat("m2", "dos 🎬"), Chat("m3", "tres")));
        var options = new RoomGrainOptions();
        var journal = new RoomJournal(CreateStore(), Room, new RoomJournalOptions());
        var core = await journal.LoadCoreAsync(options);
        var history = new RoomHistory(journal);

        var beforeAnyWrite = await history.ChatAsync();
        var chat = core.Decide(new SendChat("user-1", "cuatro", "m4"), 1_700_000_100_000);
        await journal.WriteAsync(chat.Changes, chat.Events, core.State);

        Assert.Equal(["uno", "dos 🎬", "tres"], beforeAnyWrite.Select(m => m.Text));
        Assert.False(await IsLegacyDocumentAsync(Room));
        var reloaded = new RoomJournal(CreateStore(), Room, new RoomJournalOptions());
        var rebuilt = await reloaded.LoadCoreAsync(options);
        Assert.Equal(["m1", "m2", "m3", "m4"], (await new RoomHistory(reloaded).ChatAsync()).Select(m => m.MessageId));
        Assert.Equal(58, rebuilt.State.Seq);
        Assert.Equal(57, rebuilt.State.ConvertedAtSeq);
        Assert.Equal([55L, 56, 57, 58], (await CreateStore().ReadAsync(Room, 0, 10)).Select(e => e.Seq));
        var snapshot = (await CreateStore().LoadAsync(Room)).Snapshot!;
        Assert.Equal((58L, RoomJournalCodec.SnapshotType), (snapshot.Seq, snapshot.Type));
        Assert.False(JsonNode.Parse(snapshot.Payload)!.AsObject().ContainsKey("chat"));
        // The copied chat is not the room's events: a resume from before the conversion is a resync.
        Assert.Null(await reloaded.ReadAfterAsync(lastSeq: 55, currentSeq: 58));
        Assert.Equal([58L], (await reloaded.ReadAfterAsync(lastSeq: 57, currentSeq: 58))!.Select(e => e.Seq));
    }

    [Fact]
    public virtual async Task LoadCoreAsync_CopiesTheLegacyChatOnce_WhenAConversionStoppedAfterItsEvents()
    {
        var legacy = new RoomState
        {
            Name = "Old room", HostId = "user-1", IsActive = true, CreatedAt = 1_700_000_000_000, Seq = 57,
            Participants = [new ParticipantState { UserId = "user-1", DisplayName = "Ana", Role = ParticipantRoles.Host, JoinedAt = 1 }],
        };
        await WriteLegacyRoomAsync(Room, LegacyDocument(legacy, Chat("m1", "uno"), Chat("m2", "dos")));
        var options = new RoomGrainOptions();
        var interrupted = new RoomJournal(new EventsThenCrash(CreateStore()), Room, new RoomJournalOptions());
        var core = await interrupted.LoadCoreAsync(options);
        var first = core.Decide(new SendChat("user-1", "tres", "m3"), 1_700_000_100_000);
        await Assert.ThrowsAsync<IOException>(() => interrupted.WriteAsync(first.Changes, first.Events, core.State));

        var journal = new RoomJournal(CreateStore(), Room, new RoomJournalOptions());
        var reloaded = await journal.LoadCoreAsync(options);
        var history = new RoomHistory(journal);
        var next = reloaded.Decide(new SendChat("user-1", "cuatro", "m4"), 1_700_000_200_000);
        await journal.WriteAsync(next.Changes, next.Events, reloaded.State);
        history.Add(next.Events);

        Assert.Equal(59, reloaded.State.Seq);
        Assert.Equal(["m1", "m2", "m3", "m4"], (await history.ChatAsync()).Select(m => m.MessageId));
        var converted = new RoomJournal(CreateStore(), Room, new RoomJournalOptions());
        await converted.LoadCoreAsync(options);
        Assert.Equal(["m1", "m2", "m3", "m4"], (await new RoomHistory(converted).ChatAsync()).Select(m => m.MessageId));
        Assert.False(await IsLegacyDocumentAsync(Room));
        Assert.Null(await converted.ReadAfterAsync(lastSeq: 56, currentSeq: 59));
    }

    /// <summary>A writer that dies after an append's events, before its snapshot: what MongoDB, without a transaction, can leave.</summary>
    private sealed class EventsThenCrash(IJournalStore inner) : IJournalStore
    {
        public string Name => inner.Name;

        public Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default) => inner.LoadAsync(roomId, cancellationToken);

        public async Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
        {
            await inner.AppendAsync(roomId, new JournalAppend(append.Events), cancellationToken);
            if (append.Snapshot is not null) throw new IOException("The writer died before the snapshot.");
        }

        public Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
            => inner.ReadAsync(roomId, afterSeq, limit, cancellationToken);

        public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
            => inner.ReadLastAsync(roomId, type, count, cancellationToken);
    }
}

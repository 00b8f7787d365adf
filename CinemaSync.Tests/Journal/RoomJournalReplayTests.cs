using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;
using CinemaSync.Tests.Rooms;

namespace CinemaSync.Tests.Journal;

/// <summary>
/// The room core's decisions written the way the room grain writes them, then read back: the
/// room rebuilt from the latest snapshot and the entries after it is the live room, and the
/// entries give back the events members received.
/// </summary>
public sealed class RoomJournalReplayTests
{
    private readonly RoomHarness _room = new();
    private readonly RoomJournal _journal = new(new MemoryJournalStore(), RoomHarness.RoomId,
        new RoomJournalOptions { SnapshotEveryEvents = 3, RetainEvents = 4 });

    private async Task<T> WriteAsync<T>(RoomCommand<T> command)
    {
        var decision = _room.Run(command);
        Assert.True(decision.Result.IsOk, $"{command.GetType().Name}: {decision.Result.Error}");
        if (decision.HasDurableChanges) await _journal.WriteAsync(decision.Changes, decision.Events, _room.Core.State);
        return decision.Result.Value!;
    }

    private static string Json(RoomEvent e) => JsonSerializer.Serialize(e, e.GetType(), GrainStateJson.Options);

    [Fact]
    public async Task LoadCoreAsync_RebuildsTheLiveRoom_AndEntriesGiveBackTheEvents_AfterEveryKindOfDurableChange()
    {
        await WriteAsync(new CreateRoom(new CreateRoomCommand
        {
            Host = RoomHarness.User("host"), Name = "Movie night", MovieSource = RoomHarness.Video, Settings = new RoomSettings(),
        }, p => "hash:" + p));
        await WriteAsync(new JoinRoom(RoomHarness.User("u1"), "c1", "node-a", false));
        await WriteAsync(new JoinRoom(RoomHarness.User("u2"), null, null, false));
        for (var i = 0; i < 5; i++) await WriteAsync(new SendChat("u1", $"message {i}", _room.NextId()));
        await WriteAsync(new UpdatePlayback("host", new PlaybackCommand { Status = PlaybackStatus.Playing, Position = 3.5 }));
        await WriteAsync(new Kick("host", "stranger", Ban: true));
        await WriteAsync(new RecordInvite("host", _room.Now + 60_000));
        await WriteAsync(new UpdateSettings("host", new SettingsPatch { ChatEnabled = false }));
        await WriteAsync(new SetRole("host", "u1", ParticipantRoles.CoHost));
        await WriteAsync(new Kick("host", "u2", Ban: true));
        await WriteAsync(new SetVideo("host", new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://v.test/two.mp4" }));
        await WriteAsync(new React("u1", "🎉"));
        await WriteAsync(new LeaveRoom("host"));

        var rebuilt = await _journal.LoadCoreAsync(_room.Options);

        Assert.Equal(GrainStateJson.Serialize(_room.Core.State), GrainStateJson.Serialize(rebuilt.State));
        Assert.Contains("stranger", rebuilt.State.Banned);
        Assert.Single(rebuilt.State.InviteExpiries);
        var kept = await _journal.Store.ReadAsync(RoomHarness.RoomId, 0, 100);
        Assert.InRange(kept.Count, 4, 4 + 3);
        var live = _room.Events.ToDictionary(e => e.Seq);
        Assert.All(kept, entry => Assert.Equal(Json(live[entry.Seq]), Json(RoomJournalCodec.EventOf(entry))));
        Assert.Equal(_room.Core.State.Seq, kept[^1].Seq);
    }

    [Fact]
    public void Encode_WritesTheEntryFormat_ThatJournalsWrittenBeforeReadBack()
    {
        _room.Create();
        var chat = _room.Run(new SendChat("host", "hello", _room.NextId()));

        var entry = Assert.Single(RoomJournalCodec.Encode(chat.Changes, chat.Events).Entries);

        // { "changes": [ … ], "event": { … } }, as the entry object serialized whole.
        var whole = JsonSerializer.SerializeToUtf8Bytes(new EntryShape
        {
            Changes = chat.Changes.OfType<DurableChange>().Cast<RoomChange>().ToList(),
            Event = JsonSerializer.SerializeToElement(chat.Events[0], chat.Events[0].GetType(), GrainStateJson.Options),
        }, GrainStateJson.Options);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(whole), System.Text.Encoding.UTF8.GetString(entry.Payload));
    }

    private sealed class EntryShape
    {
        public List<RoomChange> Changes { get; set; } = [];
        public JsonElement Event { get; set; }
    }

    [Fact]
    public void Encode_AsksForASnapshot_WhenADurableChangeHasNoEventToRideIn()
    {
        _room.Create();
        var invite = _room.Run(new RecordInvite("host", _room.Now + 60_000));
        var chat = _room.Run(new SendChat("host", "hello", _room.NextId()));

        var (noEntries, needsSnapshot) = RoomJournalCodec.Encode(invite.Changes, invite.Events);
        var (entries, chatNeedsSnapshot) = RoomJournalCodec.Encode(chat.Changes, chat.Events);

        Assert.Empty(noEntries);
        Assert.True(needsSnapshot);
        var entry = Assert.Single(entries);
        Assert.False(chatNeedsSnapshot);
        Assert.Equal(NewChatMessageEvent.EventName, entry.Type);
        Assert.Equal("hello", ((NewChatMessageEvent)RoomJournalCodec.EventOf(entry)).Message.Text);
        Assert.IsType<ChatPosted>(Assert.Single(RoomJournalCodec.ChangesOf(entry)));
    }
}

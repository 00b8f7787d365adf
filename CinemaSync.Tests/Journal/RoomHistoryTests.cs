using System.Text.Json.Nodes;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;
using CinemaSync.Tests.Rooms;

namespace CinemaSync.Tests.Journal;

/// <summary>
/// The chat history a join answers, read from the room's journal only: the live activation's
/// (read once, then kept up with accepted messages) and a fresh activation's agree with what the
/// journal holds.
/// </summary>
public sealed class RoomHistoryTests
{
    private readonly RoomHarness _room = new();
    private readonly MemoryJournalStore _store = new();

    private RoomJournal Journal(RoomJournalOptions options) => new(_store, RoomHarness.RoomId, options);

    /// <summary>Sends <paramref name="count"/> messages, each written as the grain writes it and added to <paramref name="history"/>.</summary>
    private async Task ChatAsync(RoomJournal journal, RoomHistory history, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var decision = _room.Run(new SendChat("host", $"n{i}", $"m{i}"));
            await journal.WriteAsync(decision.Changes, decision.Events, _room.Core.State);
            history.Add(decision.Events);
        }
    }

    private async Task<(RoomJournal Journal, RoomHistory History)> CreateAsync(RoomJournalOptions options)
    {
        var journal = Journal(options);
        await journal.LoadAsync();
        var created = _room.Run(new CreateRoom(new CreateRoomCommand
        {
            Host = RoomHarness.User("host"), Name = "Chatty", MovieSource = RoomHarness.Video, Settings = new RoomSettings(),
        }, p => p));
        await journal.WriteAsync(created.Changes, created.Events, _room.Core.State);
        return (journal, new RoomHistory(journal));
    }

    private async Task<List<string>> ReloadedHistoryAsync(RoomJournalOptions options)
    {
        var journal = Journal(options);
        await journal.LoadCoreAsync(_room.Options);
        return (await new RoomHistory(journal).ChatAsync()).ConvertAll(m => m.Text);
    }

    [Fact]
    public async Task ChatAsync_ReturnsTheLast100OldestFirst_WhenMoreWereSent()
    {
        // Snapshots on the way: a reload reads history older than its snapshot from the journal.
        var options = new RoomJournalOptions { SnapshotEveryEvents = 50 };
        var (journal, history) = await CreateAsync(options);
        await ChatAsync(journal, history, from: 1, count: 10);
        var early = await history.ChatAsync();

        await ChatAsync(journal, history, from: 11, count: 110);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"n{i}"), early.Select(m => m.Text));
        var expected = Enumerable.Range(21, RoomCore.ChatHistoryLength).Select(i => $"n{i}").ToList();
        Assert.Equal(expected, (await history.ChatAsync()).Select(m => m.Text));
        Assert.Equal(expected, await ReloadedHistoryAsync(options));
    }

    [Fact]
    public async Task ChatAsync_ReturnsWhatTheJournalStillHolds_WhenChatWasTrimmedPastTheRetention()
    {
        var options = new RoomJournalOptions { SnapshotEveryEvents = 5, RetainEvents = 12 };
        var (journal, history) = await CreateAsync(options);
        await ChatAsync(journal, history, from: 1, count: 3);
        Assert.Equal(3, (await history.ChatAsync()).Count);

        await ChatAsync(journal, history, from: 4, count: 40);

        var kept = (await _store.ReadLastAsync(RoomHarness.RoomId, NewChatMessageEvent.EventName, 100))
            .Select(e => ((NewChatMessageEvent)RoomJournalCodec.EventOf(e)).Message.Text).ToList();
        Assert.InRange(kept.Count, options.RetainEvents, options.RetainEvents + options.SnapshotEveryEvents);
        Assert.Equal("n43", kept[^1]);
        Assert.Equal(kept, (await history.ChatAsync()).Select(m => m.Text));
        Assert.Equal(kept, await ReloadedHistoryAsync(options));
    }

    [Fact]
    public async Task Snapshot_HasNoChat_WhenTheRoomHasMessages()
    {
        var options = new RoomJournalOptions { SnapshotEveryEvents = 2 };
        var (journal, history) = await CreateAsync(options);

        await ChatAsync(journal, history, from: 1, count: 4);

        var snapshot = (await _store.LoadAsync(RoomHarness.RoomId)).Snapshot!;
        Assert.Equal(4, snapshot.Seq);
        var document = JsonNode.Parse(snapshot.Payload)!.AsObject();
        Assert.False(document.ContainsKey("chat"));
        Assert.DoesNotContain("n4", document.ToJsonString());
    }
}

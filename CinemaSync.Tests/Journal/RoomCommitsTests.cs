using System.Text;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;

namespace CinemaSync.Tests.Journal;

/// <summary>How a room's queued decisions become journal writes, on one exclusive scheduler as a grain's.</summary>
public sealed class RoomCommitsTests
{
    private readonly TaskFactory _grain = new(new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler);
    private readonly List<JournalAppend> _writes = [];
    private readonly List<string> _published = [];
    private TaskCompletionSource _writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failed;
    private int _refused;

    private static JournalEvent Event(long seq) => new(seq, "playback_updated", Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}"));
    private static JournalSnapshot Snapshot(long seq) => new(seq, "room_state", "{}"u8.ToArray());

    private RoomCommits Commits() => new(
        async append =>
        {
            _writes.Add(append);
            await _writing.Task;
        },
        (ex, refused) => (_failed, _refused) = (ex, refused),
        ex => throw new InvalidOperationException("publish must not fail here", ex));

    private Task<Task<bool>> CommitOnGrainAsync(RoomCommits commits, JournalAppend? append, string name) =>
        _grain.StartNew(() => commits.CommitAsync(append, () =>
        {
            _published.Add(name);
            return Task.CompletedTask;
        }));

    [Fact]
    public async Task CommitAsync_WritesWhatQueuedDuringAWriteAsOne_UpToASnapshot()
    {
        var commits = Commits();
        var first = await CommitOnGrainAsync(commits, new JournalAppend([Event(1)]), "1");
        var queued = new List<Task<bool>>
        {
            await CommitOnGrainAsync(commits, new JournalAppend([Event(2)]), "2"),
            await CommitOnGrainAsync(commits, null, "presence"),
            await CommitOnGrainAsync(commits, new JournalAppend([Event(3)], Snapshot(3)), "3+snapshot"),
            await CommitOnGrainAsync(commits, new JournalAppend([Event(4)]), "4"),
        };
        Assert.Single(_writes);
        Assert.Empty(_published);

        _writing.SetResult();
        Assert.True(await first);
        Assert.All(await Task.WhenAll(queued), Assert.True);

        Assert.Equal([[1L], [2, 3], [4]], _writes.Select(w => w.Events.Select(e => e.Seq).ToArray()));
        Assert.Equal(3, _writes[1].Snapshot!.Seq);
        Assert.Equal(["1", "2", "presence", "3+snapshot", "4"], _published);
    }

    [Fact]
    public async Task CommitAsync_RefusesAFailedWriteAndEverythingQueuedBehindIt_WithoutPublishing()
    {
        var commits = Commits();
        var first = await CommitOnGrainAsync(commits, new JournalAppend([Event(1)]), "1");
        var second = await CommitOnGrainAsync(commits, new JournalAppend([Event(2)]), "2");
        var third = await CommitOnGrainAsync(commits, null, "presence");

        _writing.SetException(new IOException("disk full"));

        Assert.False(await first);
        Assert.False(await second);
        Assert.False(await third);
        Assert.IsType<IOException>(_failed);
        Assert.Equal(3, _refused);
        Assert.Empty(_published);
        Assert.Single(_writes);
    }

    [Fact]
    public async Task CommitAsync_PublishesAtOnce_WhenNothingIsDurable()
    {
        var commits = Commits();

        Assert.True(await await CommitOnGrainAsync(commits, null, "presence"));

        Assert.Empty(_writes);
        Assert.Equal(["presence"], _published);
    }

    [Fact]
    public void CanBeFollowedBy_KeepsACreationAlone_AndEndsAWriteAtItsSnapshot()
    {
        var events = new JournalAppend([Event(5)]);
        Assert.True(events.CanBeFollowedBy(new JournalAppend([Event(6)], Snapshot(6))));
        Assert.False(new JournalAppend([Event(5)], Snapshot(5)).CanBeFollowedBy(new JournalAppend([Event(6)])));
        Assert.False(new JournalAppend([], Snapshot(0), Create: true).CanBeFollowedBy(events));
        Assert.False(events.CanBeFollowedBy(new JournalAppend([], Snapshot(5), Create: true)));

        var one = JournalAppend.Concat([events, new JournalAppend([Event(6)]), new JournalAppend([Event(7)], Snapshot(7), TrimThrough: 2)]);
        Assert.Equal([5L, 6, 7], one.Events.Select(e => e.Seq));
        Assert.Equal((7L, 2L), (one.Snapshot!.Seq, one.TrimThrough));
        one.Validate();
    }
}

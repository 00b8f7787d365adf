using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Storage;
using CinemaSync.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CinemaSync.Tests.Journal;

/// <summary>
/// A room decides the commands that arrive while its journal write is in flight and writes them
/// together next, acknowledging each only once written; a failed write refuses it and everything
/// decided after it. On the real server, over its SQLite journal, with each write held or failed
/// on demand.
/// </summary>
public sealed class PipelinedCommitTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("cinemasync-pipeline-").FullName;
    private HeldJournalStore _store = null!;
    private TestServer _server = null!;

    private IGrainFactory Grains => _server.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CINEMASYNC_DATA_DIR"] = _dataDirectory },
            builder => builder.Services.AddSingleton<IJournalStore>(sp => _store = new HeldJournalStore(
                new SqliteJournalStore(new SqliteStorageOptions { DataDirectory = _dataDirectory }, NullLogger<SqliteJournalStore>.Instance))));
    }

    public async Task DisposeAsync()
    {
        _store.Release();
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static Actor User(string id) => new() { UserId = id, DisplayName = id };

    private async Task<(IRoomGrain Room, RecordingObserver Host)> CreateRoomAsync()
    {
        var room = Grains.GetGrain<IRoomGrain>("pipe-" + Guid.NewGuid().ToString("N")[..10]);
        var created = await room.CreateAsync(new CreateRoomCommand
        {
            Host = User("host"),
            Name = "pipeline",
            MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://v.test/m.mp4" },
            Settings = new RoomSettings(),
        });
        Assert.True(created.IsOk, created.Message);
        var host = new RecordingObserver();
        var joined = await room.JoinAsync(new JoinRoomCommand
        {
            User = User("host"),
            Connection = new RoomConnection { ConnectionId = "host-c", Node = Grains.CreateObjectReference<IRoomObserver>(host) },
        });
        Assert.True(joined.IsOk, joined.Message);
        return (room, host);
    }

    /// <summary>Starts a join of each user while the room's write is held, and waits until the room has decided them all.</summary>
    private async Task<List<Task<RoomResult<JoinResult>>>> JoinWhileHeldAsync(IRoomGrain room, int count)
    {
        _store.Hold();
        var first = room.JoinAsync(new JoinRoomCommand { User = User("u1") });
        await _store.Held.WaitAsync(TimeSpan.FromSeconds(10));
        var joins = new List<Task<RoomResult<JoinResult>>> { first };
        for (var i = 2; i <= count; i++) joins.Add(room.JoinAsync(new JoinRoomCommand { User = User("u" + i) }));
        // A read sees every decision, written or not: all joins are decided once it counts them.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await room.GetAsync())!.Participants.Count < count + 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the room did not decide the joins while its write was held");
            await Task.Delay(10);
        }
        Assert.All(joins, join => Assert.False(join.IsCompleted));
        return joins;
    }

    [Fact]
    public async Task Commands_DecidedDuringAWrite_AreWrittenTogetherNext_AndAckedOnceWritten()
    {
        var (room, host) = await CreateRoomAsync();
        var seqBefore = (await room.GetAsync())!.Seq;
        var writesBefore = _store.Appends.Count;

        var joins = await JoinWhileHeldAsync(room, 20);
        _store.Release();
        var results = await Task.WhenAll(joins);

        Assert.All(results, r => Assert.True(r.IsOk, r.Message));
        var writes = _store.Appends.Skip(writesBefore).ToList();
        Assert.Equal([1, 19], writes.Select(w => w.Events.Count));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => seqBefore + i), writes.SelectMany(w => w.Events).Select(e => e.Seq));
        // The nodes hear of each join once it is written, in the room's order.
        for (var i = 1; i <= 20; i++)
        {
            var joined = await host.NextAsync<UserJoinedEvent>();
            Assert.Equal(("u" + i, seqBefore + i), (joined.User.UserId, joined.Seq));
        }
        for (var i = 1; i <= 20; i++)
            Assert.Contains(room.GetPrimaryKeyString(), await Grains.GetGrain<IUserGrain>("u" + i).GetRoomIdsAsync());
    }

    [Fact]
    public async Task AFailedWrite_RefusesItsCommandsAndThoseDecidedAfter_AndTheRoomReadsItselfBack()
    {
        var (room, host) = await CreateRoomAsync();
        var seqBefore = (await room.GetAsync())!.Seq;

        var joins = await JoinWhileHeldAsync(room, 5);
        _store.FailHeld(new IOException("disk full"));
        var results = await Task.WhenAll(joins);

        Assert.All(results, r => Assert.Equal(ErrorCodes.Unavailable, r.Error));
        var view = (await room.GetAsync())!;
        Assert.Equal(["host"], view.Participants.Select(p => p.UserId));
        Assert.Equal(seqBefore, view.Seq);

        var next = await room.JoinAsync(new JoinRoomCommand { User = User("late") });
        Assert.True(next.IsOk, next.Message);
        // Nobody heard of the refused joins: the first join a node hears of is the one after them, at the next seq.
        var joined = await host.NextAsync<UserJoinedEvent>();
        Assert.Equal(("late", seqBefore + 1), (joined.User.UserId, joined.Seq));
        var load = await _store.LoadAsync(room.GetPrimaryKeyString());
        Assert.Equal(seqBefore + 1, load.Events.Count > 0 ? load.Events[^1].Seq : load.Snapshot!.Seq);
    }

    [Fact]
    public async Task ConcurrentCommands_WithEveryThirdWriteFailing_LoseNoAck_AndPublishOnlyWhatIsWritten()
    {
        var (room, host) = await CreateRoomAsync();
        for (var i = 1; i <= 4; i++) Assert.True((await room.JoinAsync(new JoinRoomCommand { User = User("m" + i) })).IsOk);
        _store.FailEvery(3);

        // 24 waves of 10 at once, a millisecond apart: writes overlap the waves, so commands queue behind failing ones.
        var sent = new List<Task<(string Text, RoomResult<ChatMessage> Result)>>();
        for (var i = 0; i < 240; i++)
        {
            var text = $"message-{i:D3}";
            var sender = "m" + (1 + i % 4);
            sent.Add(Task.Run(async () => (text, await room.SendChatAsync(sender, text))));
            if (i % 10 == 9) await Task.Delay(1);
        }
        var results = await Task.WhenAll(sent);
        _store.FailEvery(0);
        Assert.True(_store.Failed >= 1, "no write failed");

        Assert.All(results, r => Assert.True(r.Result.IsOk || r.Result.Error == ErrorCodes.Unavailable, r.Result.Message));
        var acked = results.Where(r => r.Result.IsOk).Select(r => r.Text).ToHashSet();
        Assert.InRange(acked.Count, 1, results.Length - 1); // both outcomes happened
        var journal = await _store.ReadAsync(room.GetPrimaryKeyString(), 0, 10_000);
        var seqs = journal.Select(e => e.Seq).ToList();
        Assert.Equal(Enumerable.Range((int)seqs[0], seqs.Count).Select(s => (long)s), seqs); // no gap, no repeat
        var written = journal.Where(e => e.Type == NewChatMessageEvent.EventName)
            .Select(e => ((NewChatMessageEvent)RoomJournalCodec.EventOf(e)).Message.Text).ToHashSet();
        Assert.Equal(acked.Order(), written.Order());
        Assert.Equal(seqs[^1], (await room.GetAsync())!.Seq);

        // The node heard of exactly the written messages, each once, in seq order.
        var heard = new List<NewChatMessageEvent>();
        while (heard.Count < acked.Count) heard.Add(await host.NextAsync<NewChatMessageEvent>());
        Assert.Equal(acked.Order(), heard.Select(e => e.Message.Text).Order());
        Assert.Equal(heard.Select(e => e.Seq).Order(), heard.Select(e => e.Seq));
        Assert.Equal(heard.Count, heard.Select(e => e.Seq).Distinct().Count());
    }

    /// <summary>The server's journal, with a switch that holds the next append until released, or fails it, or fails every nth.</summary>
    private sealed class HeldJournalStore(IJournalStore inner) : IJournalStore, IAsyncDisposable
    {
        private readonly object _gate = new();
        private TaskCompletionSource? _hold;
        private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Exception? _failure;
        private int _failEvery;
        private int _appends;

        /// <summary>Appends failed by <see cref="FailEvery"/>.</summary>
        public int Failed { get; private set; }

        public List<JournalAppend> Appends { get; } = [];

        /// <summary>Completes when an append waits on the hold.</summary>
        public Task Held => _held.Task;

        public string Name => inner.Name;

        public void Hold()
        {
            lock (_gate)
            {
                _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Release() => Open(null);

        /// <summary>From now on every <paramref name="n"/>th append fails (0: none), each after a millisecond, so that commands queue up behind it.</summary>
        public void FailEvery(int n)
        {
            lock (_gate) (_failEvery, _appends) = (n, 0);
        }

        public void FailHeld(Exception failure) => Open(failure);

        private void Open(Exception? failure)
        {
            TaskCompletionSource? hold;
            lock (_gate)
            {
                (hold, _hold, _failure) = (_hold, null, failure);
            }
            hold?.TrySetResult();
        }

        public async Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
        {
            Task? wait;
            lock (_gate)
            {
                wait = _hold?.Task;
                if (wait is not null) _held.TrySetResult();
            }
            if (wait is not null)
            {
                await wait;
                Exception? failure;
                lock (_gate) (failure, _failure) = (_failure, null);
                if (failure is not null) throw failure;
            }
            bool fail;
            lock (_gate)
            {
                fail = _failEvery > 0 && ++_appends % _failEvery == 0;
                if (fail) Failed++;
            }
            if (fail)
            {
                await Task.Delay(1, cancellationToken);
                throw new IOException("disk full");
            }
            await inner.AppendAsync(roomId, append, cancellationToken);
            lock (_gate) Appends.Add(append);
        }

        public Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default) => inner.LoadAsync(roomId, cancellationToken);

        public Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
            => inner.ReadAsync(roomId, afterSeq, limit, cancellationToken);

        public Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
            => inner.ReadLastAsync(roomId, type, count, cancellationToken);

        public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
    }
}

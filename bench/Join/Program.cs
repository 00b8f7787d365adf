using System.Diagnostics;
using System.Globalization;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

// What one join_room costs the room grain in a room of N members, in process, as RoomGrain runs
// it: the core's decision (RoomCore.Decide(JoinRoom): the rules, the RoomView of the answer, the
// joined event), the journal entries of that decision (RoomJournalCodec) and their append with
// the snapshot every Journal:SnapshotEveryEvents, amortized (SQLite, synchronous=FULL, or memory).
// Allocations are counted on the thread (exact); "beyond the view" is the decision's allocation
// minus that of building the room view alone, i.e. what is not the answer's participant list.
// Two kinds of join: a new member, and a member coming back on a new connection (a reconnect).
// Usage: see bench/README.md ("Join: what a join costs the room").
var sizes = new[] { 10, 100, 1000 };
int joins = 200;
var store = "sqlite";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sizes" when i + 1 < args.Length: sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--joins" when i + 1 < args.Length: joins = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--store" when i + 1 < args.Length && args[i + 1] is "sqlite" or "memory": store = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: CinemaSync.Bench.Join [--sizes 10,100,1000] [--joins 200] [--store sqlite|memory]");
            return 2;
    }
}

Console.WriteLine($"joins per size and kind: {joins}; journal store: {store}");
Console.WriteLine();
Console.WriteLine("| members | join | decide µs mean | p50 | p99 | of it the view, µs mean | allocated B/join | of it beyond the view | entry B/join | append µs mean | p99 | snapshot B/join (amortized) |");
Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var members in sizes)
{
    var directory = Directory.CreateTempSubdirectory("cinemasync-join-bench-").FullName;
    IJournalStore journalStore = store == "sqlite"
        ? new SqliteJournalStore(new SqliteStorageOptions { DataDirectory = directory }, NullLogger<SqliteJournalStore>.Instance)
        : new MemoryJournalStore();
    try
    {
        var room = await BenchRoom.CreateAsync(journalStore, members);
        foreach (var kind in new[] { "new member", "reconnect" })
        {
            var result = await room.MeasureAsync(kind, joins);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {members} | {kind} | {result.DecideMean:F1} | {result.DecideP50:F1} | {result.DecideP99:F1} | {result.ViewMean:F1} | {result.Allocated:F0} | {result.BeyondView:F0} | {result.EntryBytes:F0} | {result.AppendMean:F0} | {result.AppendP99:F0} | {result.SnapshotBytes:F0} |"));
        }
    }
    finally
    {
        if (journalStore is SqliteJournalStore sqlite) await sqlite.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
return 0;

internal sealed record Result(double DecideMean, double DecideP50, double DecideP99, double ViewMean, double Allocated, double BeyondView, double EntryBytes, double AppendMean, double AppendP99, double SnapshotBytes);

/// <summary>One room of N members, each connected, spread over four web nodes; commands written as the grain writes them.</summary>
internal sealed class BenchRoom
{
    private const string RoomId = "bench-room";
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c", "node-d"];
    private readonly RoomCore _core;
    private readonly RoomJournal _journal;
    private long _now = 1_700_000_000_000;
    private int _users;
    private int _visitors;
    private int _connections;
    private long _snapshotBytes;

    private BenchRoom(RoomCore core, RoomJournal journal) => (_core, _journal) = (core, journal);

    private static Actor User(int i) => new() { UserId = $"firebase-uid-{i:D6}-abcdefghijkl", DisplayName = $"Member number {i}" };

    public static async Task<BenchRoom> CreateAsync(IJournalStore store, int members)
    {
        var journal = new RoomJournal(store, RoomId, new RoomJournalOptions());
        await journal.LoadAsync();
        var room = new BenchRoom(new RoomCore(RoomId, new RoomGrainOptions()), journal);
        await room.RunAsync(new CreateRoom(new CreateRoomCommand
        {
            Host = User(0), Name = "Benchmark night",
            MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://videos.example/movie.mp4" },
            Settings = new RoomSettings { MaxParticipants = 1_000_000 },
        }, p => p));
        room._users = 1;
        await room.RunAsync(room.Join(User(0)));
        while (room._users < members) await room.RunAsync(room.Join(User(room._users++)));
        return room;
    }

    private JoinRoom Join(Actor user) => new(user, $"conn-{++_connections}", Nodes[_connections % Nodes.Length], Invited: false);

    /// <summary>Decides and writes, as RoomGrain.CommitAsync does (without the observers).</summary>
    private async Task<Decision<T>> RunAsync<T>(RoomCommand<T> command)
    {
        _now += 1_000;
        var decision = _core.Decide(command, _now);
        if (!decision.Result.IsOk) throw new InvalidOperationException($"{command.GetType().Name}: {decision.Result.Error}");
        if (decision.HasDurableChanges) await WriteAsync(decision);
        return decision;
    }

    private Task WriteAsync<T>(Decision<T> decision)
    {
        var (entries, needsSnapshot) = RoomJournalCodec.Encode(decision.Changes, decision.Events);
        return entries.Count == 0
            ? _journal.SnapshotAsync(Snapshot(), create: decision.Changes.Any(c => c is RoomCreated))
            : _journal.AppendAsync(entries, Snapshot, needsSnapshot);
    }

    private JournalSnapshot Snapshot()
    {
        var snapshot = RoomJournalCodec.Snapshot(_core.State);
        _snapshotBytes += snapshot.Payload.Length;
        return snapshot;
    }

    public async Task<Result> MeasureAsync(string kind, int joins)
    {
        // Warm up the JIT on both paths first.
        for (var i = 0; i < 20; i++) await OneAsync(kind);
        var decide = new double[joins];
        var view = new double[joins];
        var append = new double[joins];
        long allocated = 0, beyondView = 0, entryBytes = 0;
        _snapshotBytes = 0;
        for (var i = 0; i < joins; i++)
        {
            var one = await OneAsync(kind);
            (decide[i], view[i], append[i]) = (one.DecideUs, one.ViewUs, one.AppendUs);
            allocated += one.Allocated;
            beyondView += one.Allocated - one.ViewAllocated;
            entryBytes += one.EntryBytes;
        }
        Array.Sort(decide);
        Array.Sort(append);
        double n = joins;
        return new Result(decide.Average(), decide[(int)(0.5 * (n - 1))], decide[(int)(0.99 * (n - 1))], view.Average(),
            allocated / n, beyondView / n, entryBytes / n, append.Average(), append[(int)(0.99 * (n - 1))], _snapshotBytes / n);
    }

    /// <summary>
    /// One join, measured. A new member leaves again afterwards (not measured), so the room keeps its
    /// size; a reconnect first drops one of the member's connections (not measured).
    /// </summary>
    private async Task<(double DecideUs, double ViewUs, double AppendUs, long Allocated, long ViewAllocated, long EntryBytes)> OneAsync(string kind)
    {
        JoinRoom command;
        if (kind == "new member")
        {
            command = Join(User(1_000_000 + ++_visitors));
        }
        else
        {
            // A member somewhere in the middle of the room drops, then comes back on a new connection.
            var member = User(1 + (_connections % (_users - 1)));
            var connection = _core.Presence.OfUser(member.UserId)[0].ConnectionId;
            await RunAsync(new Disconnect(connection));
            command = Join(member);
        }
        _now += 1_000;
        var viewBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        _ = _core.View(_now);
        var viewUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        var viewAllocated = GC.GetAllocatedBytesForCurrentThread() - viewBefore;

        var before = GC.GetAllocatedBytesForCurrentThread();
        started = Stopwatch.GetTimestamp();
        var decision = _core.Decide(command, _now);
        var decideUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (!decision.Result.IsOk) throw new InvalidOperationException(decision.Result.Error);

        var entryBytes = RoomJournalCodec.Encode(decision.Changes, decision.Events).Entries.Sum(e => (long)e.Payload.Length);
        started = Stopwatch.GetTimestamp();
        await WriteAsync(decision);
        var appendUs = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        if (kind == "new member") await RunAsync(new LeaveRoom(command.User.UserId));
        return (decideUs, viewUs, appendUs, allocated, viewAllocated, entryBytes);
    }
}

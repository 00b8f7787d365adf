using System.Diagnostics;
using System.Globalization;
using System.Text;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

// What one room command costs the store: today's whole-state write (the room rewritten as one JSON
// record) against the journal's append (one small event; a snapshot every N events, amortized),
// for rooms of several sizes. Each of R rooms sends C commands one after another, as its grain
// does; the rooms run concurrently (R > 1 shows the journal's group commit). Usage and options:
// see bench/README.md ("Journal: bytes and time per command").
var options = BenchOptions.Parse(args);
if (options is null) return 2;

var root = options.DataDirectory ?? Directory.CreateTempSubdirectory("cinemasync-journal-bench-").FullName;
Directory.CreateDirectory(root);
Console.WriteLine($"data directory: {root}; rooms: {options.Rooms}; commands per room: {options.Commands}; engine: {options.Engine}");
Console.WriteLine();
Console.WriteLine("| members | mode | ms/command mean | p50 | p99 | payload bytes/command | bytes written/command (write syscalls) | device bytes/command |");
Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
try
{
    foreach (var members in options.Sizes)
    {
        foreach (var mode in options.Modes)
        {
            var directory = Path.Combine(root, $"{members}-{mode}");
            var result = await Run(mode, members, directory, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {members} | {mode} | {result.Mean:F3} | {result.P50:F3} | {result.P99:F3} | {result.PayloadBytes:F0} | {result.Wchar?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"} | {result.DeviceBytes?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"} |"));
            if (options.DataDirectory is null) TryDelete(directory);
        }
    }
}
finally
{
    if (options.DataDirectory is null) TryDelete(root);
}
return 0;

static async Task<Result> Run(string mode, int members, string directory, BenchOptions options)
{
    var rooms = Enumerable.Range(0, options.Rooms).Select(i => new BenchRoom($"bench-{i}", BenchRoom.State(members))).ToArray();
    Func<BenchRoom, int, Task<long>> command;
    Func<ValueTask> dispose = () => ValueTask.CompletedTask;
    var journalOptions = new RoomJournalOptions { SnapshotEveryEvents = options.SnapshotEvery };
    switch (mode)
    {
        case "whole-state":
        {
            IGrainStorage storage = options.Engine == "mongodb"
                ? new MongoGrainStorage("bench", options.Mongo(directory), NullLogger<MongoGrainStorage>.Instance)
                : new SqliteGrainStorage("bench", new SqliteStorageOptions { DataDirectory = directory }, NullLogger<SqliteGrainStorage>.Instance);
            var states = rooms.ToDictionary(r => r, r => new GrainState<RoomState>(r.Room));
            foreach (var room in rooms) await storage.WriteStateAsync(StateNames.Room, GrainId.Create("room", room.Id), states[room]);
            command = async (room, i) =>
            {
                room.Play(i);
                await storage.WriteStateAsync(StateNames.Room, GrainId.Create("room", room.Id), states[room]);
                return Encoding.UTF8.GetByteCount(GrainStateJson.Serialize(room.Room));
            };
            break;
        }
        default:
        {
            IJournalStore store = options.Engine == "mongodb"
                ? new MongoJournalStore(options.Mongo(directory), NullLogger<MongoJournalStore>.Instance)
                : new SqliteJournalStore(new SqliteStorageOptions { DataDirectory = directory }, NullLogger<SqliteJournalStore>.Instance, fullSync: mode == "append");
            if (store is SqliteJournalStore sqlite) dispose = sqlite.DisposeAsync;
            var journals = rooms.ToDictionary(r => r, r => new RoomJournal(store, r.Id, journalOptions));
            foreach (var room in rooms)
            {
                await journals[room].LoadAsync();
                await journals[room].SnapshotAsync(room.Snapshot(), create: true);
            }
            command = async (room, i) =>
            {
                var appended = room.Play(i);
                long snapshotBytes = 0;
                await journals[room].AppendAsync([appended], snapshotAfter: () =>
                {
                    var snapshot = room.Snapshot();
                    snapshotBytes = snapshot.Payload.Length;
                    return snapshot;
                });
                return appended.Payload.Length + snapshotBytes;
            };
            break;
        }
    }

    // Warm up (JIT, connection pool, file growth), then measure.
    foreach (var room in rooms) for (var i = 0; i < 20; i++) await command(room, i);
    var io = ProcessIo.Read();
    long payload = 0;
    var latencies = new double[options.Rooms * options.Commands];
    await Task.WhenAll(rooms.Select((room, r) => Task.Run(async () =>
    {
        for (var i = 0; i < options.Commands; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var bytes = await command(room, 20 + i);
            latencies[r * options.Commands + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Interlocked.Add(ref payload, bytes);
        }
    })));
    var after = ProcessIo.Read();
    await dispose();
    Array.Sort(latencies);
    double n = latencies.Length;
    return new Result(
        latencies.Average(),
        latencies[(int)(0.50 * (n - 1))],
        latencies[(int)(0.99 * (n - 1))],
        payload / n,
        io is { } a && after is { } b ? (b.Wchar - a.Wchar) / n : null,
        io is { } c && after is { } d ? (d.WriteBytes - c.WriteBytes) / n : null);
}

static void TryDelete(string path)
{
    try
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
    catch (IOException)
    {
    }
}

internal sealed record Result(double Mean, double P50, double P99, double PayloadBytes, double? Wchar, double? DeviceBytes);

/// <summary>One room with a realistic state: N participants and a video (chat lives in the journal only).</summary>
internal sealed class BenchRoom(string id, RoomState room)
{
    public string Id => id;

    public RoomState Room => room;

    public static RoomState State(int members) => new()
    {
        Name = "Benchmark night", HostId = "user-0", IsActive = true, CreatedAt = 1,
        MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://videos.example/movie.mp4" },
        Settings = new RoomSettings { MaxParticipants = Math.Max(members, 2) },
        Participants = Enumerable.Range(0, members).Select(i => new ParticipantState
        {
            UserId = $"firebase-uid-{i:D6}-abcdefghijkl", DisplayName = $"Member number {i}", JoinedAt = 1_700_000_000_000 + i,
            Role = i == 0 ? ParticipantRoles.Host : ParticipantRoles.Member,
        }).ToList(),
    };

    /// <summary>The host's play/pause: the state changes, and the event the journal would append.</summary>
    public JournalEvent Play(int i)
    {
        room.Playback = room.Playback with
        {
            Status = i % 2 == 0 ? PlaybackStatus.Playing : PlaybackStatus.Paused, Position = i * 1.25, Version = room.Playback.Version + 1, UpdatedAt = 1_700_000_000_000 + i,
        };
        room.Seq++;
        room.LastActivityAt = 1_700_000_000_000 + i;
        var updated = new PlaybackUpdatedEvent { RoomId = id, Seq = room.Seq, PlaybackState = room.Playback, By = room.HostId };
        return new JournalEvent(room.Seq, updated.Name, Encoding.UTF8.GetBytes(GrainStateJson.Serialize(updated)));
    }

    public JournalSnapshot Snapshot() => new(room.Seq, "room_state", Encoding.UTF8.GetBytes(GrainStateJson.Serialize(room)));
}

/// <summary>This process's I/O counters from <c>/proc/self/io</c> (Linux): bytes passed to write(), and bytes sent to the device.</summary>
internal readonly record struct ProcessIo(long Wchar, long WriteBytes)
{
    public static ProcessIo? Read()
    {
        try
        {
            var fields = File.ReadAllLines("/proc/self/io").Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => long.Parse(p[1].Trim(), CultureInfo.InvariantCulture));
            return new ProcessIo(fields["wchar"], fields["write_bytes"]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }
}

internal sealed record BenchOptions(int[] Sizes, string[] Modes, int Rooms, int Commands, int SnapshotEvery, string Engine, string? MongoUri, string? DataDirectory)
{
    private static readonly string[] AllModes = ["whole-state", "append", "append-normal"];

    public MongoStorageOptions Mongo(string directory) => new()
    {
        ConnectionString = MongoUri!,
        DatabaseName = "cinemasync_bench_" + Path.GetFileName(directory).Replace('-', '_') + "_" + Guid.NewGuid().ToString("N")[..8],
    };

    public static BenchOptions? Parse(string[] args)
    {
        var sizes = new[] { 10, 100, 1000 };
        var modes = AllModes;
        int rooms = 1, commands = 2000, snapshotEvery = new RoomJournalOptions().SnapshotEveryEvents;
        string engine = "sqlite";
        string? mongo = null, dataDir = null;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--sizes": sizes = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                    case "--modes": modes = Next().Split(','); break;
                    case "--rooms": rooms = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--commands": commands = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--snapshot-every": snapshotEvery = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--mongodb": mongo = Next(); engine = "mongodb"; break;
                    case "--data-dir": dataDir = Next(); break;
                    case "--help" or "-h": Usage(); return null;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
            }
            if (sizes.Any(s => s < 1) || rooms < 1 || commands < 1 || snapshotEvery < 1) throw new FormatException("sizes, rooms, commands and snapshot-every must be at least 1");
            if (modes.Except(AllModes).FirstOrDefault() is { } bad) throw new FormatException($"unknown mode {bad}");
            if (engine == "mongodb") modes = modes.Where(m => m != "append-normal").ToArray();
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Usage();
            return null;
        }
        return new BenchOptions(sizes, modes, rooms, commands, snapshotEvery, engine, mongo, dataDir);
    }

    private static void Usage() => Console.Error.WriteLine("""
        usage: CinemaSync.Bench.Journal [--sizes 10,100,1000] [--modes whole-state,append,append-normal]
                                        [--rooms 1] [--commands 2000] [--snapshot-every 200]
                                        [--data-dir DIR] [--mongodb URI]
          whole-state    today's write: the room's whole state, SQLite WAL synchronous=NORMAL
          append         the journal: one event per command (snapshot every N), synchronous=FULL
          append-normal  the journal with synchronous=NORMAL, to show what FULL costs
          --data-dir     where the files go (default: a temporary directory, deleted after);
                         use a directory on the disk under test, not tmpfs, for device bytes
          --mongodb URI  the same on MongoDB (whole-state vs append; w:majority, j:true)
        """);
}

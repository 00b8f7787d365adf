using System.Diagnostics;
using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

// Write latency of the embedded store: N room updates (a realistic room: 10 participants; the
// whole-state rooms before the journal also carried 100 chat messages), each a real etag-checked
// write to SQLite in WAL mode, one at a time as a room grain did them. Usage: dotnet run -c Release --project bench/StorageLatency [-- N]
var count = args.Length > 0 ? int.Parse(args[0]) : 1000;
var dataDir = Directory.CreateTempSubdirectory("cinemasync-bench-").FullName;
try
{
    var storage = new SqliteGrainStorage(StorageNames.Default, new SqliteStorageOptions { DataDirectory = dataDir },
        NullLogger<SqliteGrainStorage>.Instance);
    await storage.InitializeAsync();
    var room = new RoomState
    {
        Name = "Benchmark night", HostId = "user-0", IsActive = true, CreatedAt = 1,
        MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://videos.example/movie.mp4" },
        Participants = Enumerable.Range(0, 10).Select(i => new ParticipantState { UserId = $"user-{i}", DisplayName = $"Member {i}", JoinedAt = i }).ToList(),
    };
    var state = new GrainState<RoomState>(room);
    var grainId = GrainId.Create("room", "bench");
    await storage.WriteStateAsync(StateNames.Room, grainId, state);

    var micros = new double[count];
    for (var i = 0; i < count; i++)
    {
        room.Playback = room.Playback with { Position = i, Version = i + 1, UpdatedAt = i };
        room.Seq++;
        var started = Stopwatch.GetTimestamp();
        await storage.WriteStateAsync(StateNames.Room, grainId, state);
        micros[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }
    Array.Sort(micros);
    double At(double p) => micros[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)] / 1000;
    Console.WriteLine($"SQLite room writes: n={count} p50={At(0.50):F3} ms p99={At(0.99):F3} ms max={micros[^1] / 1000:F3} ms (state {GrainStateJson.Serialize(room).Length} bytes)");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(dataDir, recursive: true);
}

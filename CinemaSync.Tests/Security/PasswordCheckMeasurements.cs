using System.Diagnostics;
using CinemaSync.Grains.Security;
using CinemaSync.Tests.Cluster;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Security;

/// <summary>
/// What password guessing costs a room's members: the latency of a member's playback command,
/// alone and while other users flood the room with wrong passwords. Run alone:
/// <c>CINEMASYNC_MEASURE=1 dotnet test CinemaSync.Tests --filter FullyQualifiedName~PasswordCheckMeasurements --logger "console;verbosity=detailed"</c>
/// </summary>
public sealed class PasswordCheckMeasurements(ITestOutputHelper output)
{
    private const int Commands = 300;
    private const int Guessers = 8;
    private const string Password = "the right one";

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Describe(List<double> values)
    {
        values.Sort();
        return $"median {values[values.Count / 2]:0.00} ms, p95 {values[(int)(values.Count * 0.95)]:0.00} ms, " +
               $"p99 {values[(int)(values.Count * 0.99)]:0.00} ms, max {values[^1]:0.00} ms, n={values.Count}";
    }

    private static async Task<List<double>> PlaybackLatenciesAsync(RoomClient member, string roomId)
    {
        var latencies = new List<double>(Commands);
        for (var i = 0; i < Commands + 20; i++)
        {
            var sentAt = Stopwatch.GetTimestamp();
            (await member.InvokeAsync("update_playback", new { room_id = roomId, status = i % 2 == 0 ? "playing" : "paused", position = i * 1.0 })).AssertOk();
            if (i >= 20) latencies.Add(Ms(Stopwatch.GetTimestamp() - sentAt)); // the first 20 warm up
        }
        return latencies;
    }

    [MeasureFact(needsRedis: false)]
    public async Task Measure_MemberPlaybackLatency_WhileOthersGuessThePassword()
    {
        // No guessing limit here: the point is the cost of each check to the room, not the limit.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Rooms:WrongPasswordLimit"] = "100000000" });
        var host = await server.SignInAsync("Host");
        var roomId = (await server.CreateRoomAsync(host, new
        {
            name = "Measured", is_private = true, password = Password,
            movie_source = new { type = "directLink", url = "https://videos.test/m.mp4" },
        })).Str("room_id");
        await using var hostClient = await server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var member = await server.SignInAsync("Co-host");
        await using var memberClient = await server.ConnectAsync(member);
        (await memberClient.JoinAsync(roomId, Password)).AssertOk();
        (await hostClient.InvokeAsync("set_role", new { room_id = roomId, user_id = member.UserId, role = "co_host" })).AssertOk();

        var verify = Stopwatch.StartNew();
        var hash = PasswordHasher.Hash(Password);
        verify.Restart();
        for (var i = 0; i < 10; i++) PasswordHasher.Verify("wrong", hash);
        output.WriteLine($"one password check (PBKDF2) on this machine: {verify.Elapsed.TotalMilliseconds / 10:0.0} ms");

        output.WriteLine($"member's update_playback, no guessing: {Describe(await PlaybackLatenciesAsync(memberClient, roomId))}");

        var guessers = new List<TestUser>();
        for (var i = 0; i < Guessers; i++) guessers.Add(await server.SignInAsync($"Guesser {i}"));
        using var stop = new CancellationTokenSource();
        var guesses = 0;
        var flood = guessers.Select(g => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", g, new { password = "guess" });
                Interlocked.Increment(ref guesses);
            }
        })).ToList();
        await Task.Delay(500); // the flood is under way
        var started = guesses;
        var underFlood = await PlaybackLatenciesAsync(memberClient, roomId);
        var checkedMeanwhile = guesses - started;
        await stop.CancelAsync();
        await Task.WhenAll(flood);
        output.WriteLine($"member's update_playback, {Guessers} users guessing in a loop: {Describe(underFlood)}; {checkedMeanwhile} wrong passwords checked meanwhile");
    }
}

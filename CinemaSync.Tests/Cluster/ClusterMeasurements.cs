using System.Diagnostics;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Cluster;

/// <summary>Runs only when <c>CINEMASYNC_MEASURE=1</c> (and, unless told otherwise, redis-server is installed).</summary>
public sealed class MeasureFactAttribute : FactAttribute
{
    public MeasureFactAttribute(bool needsRedis = true)
    {
        if (Environment.GetEnvironmentVariable("CINEMASYNC_MEASURE") != "1")
            Skip = "A measurement, not a check: set CINEMASYNC_MEASURE=1 to run it.";
        else if (needsRedis && RedisProcess.FindServer() is null)
            Skip = "redis-server is not installed.";
    }
}

/// <summary>
/// Numbers for docs/cluster.md: failover time (silo SIGKILL to the first event delivered to every
/// member, 5 runs) and delivery latency to a member on the sender's web node, on another web
/// node, and on a single-process server. Run:
/// <c>CINEMASYNC_MEASURE=1 dotnet test CinemaSync.Tests --filter FullyQualifiedName~ClusterMeasurements --logger "console;verbosity=detailed"</c>
/// </summary>
public sealed class ClusterMeasurements(ProcessCluster cluster, ITestOutputHelper output) : IClassFixture<ProcessCluster>
{
    private const int Messages = 200;

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Describe(List<double> values)
    {
        values.Sort();
        return $"median {values[values.Count / 2]:0.00} ms, p95 {values[(int)(values.Count * 0.95)]:0.00} ms, n={values.Count}";
    }

    private static bool IsChat(JsonElement e, string text) => e.GetProperty("message").Str("text") == text;

    /// <summary>Sends chat messages one at a time; for each receiver, the time from send to arrival.</summary>
    private static async Task<List<double>[]> MeasureAsync(RoomClient sender, string roomId, params RoomClient[] receivers)
    {
        var latencies = receivers.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < Messages + 20; i++)
        {
            var text = "latency #" + i;
            var sentAt = Stopwatch.GetTimestamp();
            (await sender.InvokeAsync("chat_message", new { room_id = roomId, text })).AssertOk();
            for (var r = 0; r < receivers.Length; r++)
            {
                await receivers[r].WaitForAsync("new_chat_message", match: e => IsChat(e, text));
                var at = receivers[r].TimedEvents.First(e => e.Name == "new_chat_message" && IsChat(e.Payload, text)).At;
                if (i >= 20) latencies[r].Add(Ms(at - sentAt)); // the first 20 warm up
            }
        }
        return latencies;
    }

    [MeasureFact]
    public async Task Measure_FailoverAndDeliveryLatency()
    {
        var (a, b) = (cluster.Webs[0], cluster.Webs[1]);
        var host = await ProcessCluster.SignInAsync(a, "Host");
        var near = await ProcessCluster.SignInAsync(a, "Near");
        var far = await ProcessCluster.SignInAsync(b, "Far");
        var roomId = await ProcessCluster.CreateRoomAsync(a, host);
        await using var hostClient = await RoomClient.ConnectAsync(a.BaseAddress, host.Token);
        await using var nearClient = await RoomClient.ConnectAsync(a.BaseAddress, near.Token);
        await using var farClient = await RoomClient.ConnectAsync(b.BaseAddress, far.Token);
        foreach (var c in new[] { hostClient, nearClient, farClient }) (await c.JoinAsync(roomId)).AssertOk();

        var cross = await MeasureAsync(hostClient, roomId, nearClient, farClient);
        output.WriteLine($"cluster, receiver on the sender's web node: {Describe(cross[0])}");
        output.WriteLine($"cluster, receiver on the other web node:    {Describe(cross[1])}");

        var singleDir = Directory.CreateTempSubdirectory("cinemasync-single-").FullName;
        await using (var single = await ServerProcess.StartAsync(singleDir, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" }))
        {
            var sHost = await ProcessCluster.SignInAsync(single, "Host");
            var sNear = await ProcessCluster.SignInAsync(single, "Near");
            var sRoom = await ProcessCluster.CreateRoomAsync(single, sHost);
            await using var s1 = await RoomClient.ConnectAsync(single.BaseAddress, sHost.Token);
            await using var s2 = await RoomClient.ConnectAsync(single.BaseAddress, sNear.Token);
            (await s1.JoinAsync(sRoom)).AssertOk();
            (await s2.JoinAsync(sRoom)).AssertOk();
            var one = await MeasureAsync(s1, sRoom, s2);
            output.WriteLine($"single process (co-hosted silo):             {Describe(one[0])}");
        }
        Directory.Delete(singleDir, recursive: true);

        var failovers = new List<double>();
        for (var run = 1; run <= 5; run++)
        {
            while (cluster.Silos.Count(s => !s.HasExited) < 2) await cluster.StartSiloAsync();
            foreach (var web in cluster.Webs)
                while (await ProcessCluster.ActiveSilosAsync(web, host) < 2) await Task.Delay(100);

            var victim = await cluster.SiloHostingAsync(roomId, host);
            var marker = $"run {run} probe #";
            await victim.KillAsync();
            var killedAt = Stopwatch.GetTimestamp();
            var members = new[] { hostClient, nearClient, farClient };
            var sends = new List<Task>();
            for (var n = 0; ; n++)
            {
                sends.Add(hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = marker + n }));
                var done = members.All(m => m.EventsNamed("new_chat_message").Any(e => e.GetProperty("message").Str("text").StartsWith(marker)));
                if (done) break;
                Assert.True(Ms(Stopwatch.GetTimestamp() - killedAt) < 60_000, "no delivery within 60 s");
                await Task.Delay(100);
            }
            var deliveredAt = members.Max(m => m.TimedEvents.First(e => e.Name == "new_chat_message"
                && e.Payload.GetProperty("message").Str("text").StartsWith(marker)).At);
            failovers.Add(Ms(deliveredAt - killedAt));
            output.WriteLine($"failover run {run}: SIGKILL of silo {victim.SiloPort} to first event at every member: {Ms(deliveredAt - killedAt):0} ms");
            await Task.WhenAll(sends.Select(t => t.ContinueWith(_ => { })));
        }
        output.WriteLine($"failover: {Describe(failovers)}");
    }
}

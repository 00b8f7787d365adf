using System.Diagnostics;
using System.Text.Json;
using CinemaSync.LoadTest;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.LoadTest;

/// <summary>
/// The full GC the load tester forces in the measured process (EventPipe, GCHeapCollect), against
/// the server as a real process: confirmed by the runtime's own GC events, and its RSS figures in
/// the result.
/// </summary>
public sealed class ServerGcTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cinemasync-server-gc-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task RunAsync_ReportsRssAndHeapPerMemberAfterTwoInducedFullGcs_WhenServerPidAndHoldAreGiven()
    {
        await using var server = await ServerProcess.StartAsync(_dataDir);
        var options = new LoadTestOptions
        {
            Rooms = 2,
            Members = 3,
            Rate = 0,
            Duration = 0,
            SyncInterval = 0,
            Grace = 1,
            Hold = 1,
            ServerPid = server.Id,
            Progress = false,
        };
        options.Urls.Add(server.BaseAddress.ToString().TrimEnd('/'));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var result = await LoadTestRunner.RunAsync(options, timeout.Token);
        output.WriteLine(result.ToTable());

        var gc = result.ServerAfterGc;
        Assert.NotNull(gc);
        Assert.Null(gc.Problem);
        Assert.Equal(6, result.JoinedMembers);
        // Two gen-2 GCs the runtime itself reported as induced: before the joins and after the hold.
        Assert.Equal(2, gc.Collections.Count);
        Assert.All(gc.Collections, c => Assert.Matches(@"^gen2 #\d+ \(Induced\)$", c));
        Assert.True(gc.RssKbBaseline > 0 && gc.RssKbLoaded > 0);
        Assert.True(gc.HeapKbBaseline > 0 && gc.HeapKbLoaded > 0);
        Assert.Equal(Math.Round((gc.RssKbLoaded!.Value - gc.RssKbBaseline!.Value) / 6.0, 2), gc.RssKbPerMember);
        Assert.Equal(Math.Round((gc.HeapKbLoaded!.Value - gc.HeapKbBaseline!.Value) / 6.0, 2), gc.HeapKbPerMember);
        Assert.Contains("after a forced full GC (gen2 #", result.ToTable());

        using var json = JsonDocument.Parse(result.ToJson());
        var after = json.RootElement.GetProperty("server_after_gc");
        Assert.Equal(JsonValueKind.Number, after.GetProperty("rss_kb_per_member").ValueKind);
        Assert.Equal(JsonValueKind.Number, after.GetProperty("heap_kb_per_member").ValueKind);
    }

    [Fact]
    public async Task InduceAsync_ReturnsAProblem_WhenThePidIsNotADotnetProcess()
    {
        using var sleeper = Process.Start("sleep", "30");
        try
        {
            var (gc, problem) = await ServerGc.InduceAsync(sleeper.Id, TimeSpan.FromSeconds(10));

            Assert.Null(gc);
            Assert.StartsWith($"no EventPipe session with pid {sleeper.Id}:", problem);
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync();
        }
    }
}

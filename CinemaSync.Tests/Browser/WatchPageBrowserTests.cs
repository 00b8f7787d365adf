using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserTestEnvironment>
{
    /// <summary>Alone, after the parallel tests: timing checks need the CPU to themselves.</summary>
    public const string Name = "Browser";
}

/// <summary>
/// The watch page in headless Debian Chromium (playwright-core, browser-tests/watchpage.mjs):
/// two browser contexts in one room playing a local test video.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WatchPageBrowserTests(BrowserTestEnvironment env, ITestOutputHelper output)
{
    private Task<JsonElement> RunAsync(string scenario, TimeSpan timeout) => env.RunPassingScenarioAsync(scenario, timeout, output);

    [BrowserFact]
    public async Task MemberPlayer_StaysWithin150msOfHost_AfterPlaySeekPauseAndResume()
    {
        var result = await RunAsync("sync", TimeSpan.FromSeconds(90 + BrowserTestEnvironment.MeasureSeconds));

        var measure = result.GetProperty("measure");
        var line = $"member-host currentTime over {measure.GetProperty("seconds")} s ({measure.GetProperty("samples")} samples every 250 ms): " +
                   $"median |diff| {measure.GetProperty("median_abs_ms")} ms, p95 {measure.GetProperty("p95_abs_ms")} ms, max {measure.GetProperty("max_abs_ms")} ms " +
                   $"(member RTT {measure.GetProperty("member_rtt_ms")} ms, {measure.GetProperty("member_latency_ms")} ms added each way)";
        output.WriteLine(line);
        Directory.CreateDirectory(BrowserPrerequisites.ArtifactsDirectory);
        await File.AppendAllTextAsync(Path.Combine(BrowserPrerequisites.ArtifactsDirectory, "sync-measure.txt"),
            $"{DateTime.UtcNow:O} {line}\n");
        Assert.True(measure.GetProperty("max_abs_ms").GetDouble() < 150, line);
    }

    [BrowserFact]
    public async Task Chat_AppearsInTheOtherWindow_AndTheRoomPageIsScreenshotted()
    {
        var result = await RunAsync("chat", TimeSpan.FromSeconds(90));

        Assert.True(File.Exists(result.GetProperty("screenshot").GetString()));
    }

    [BrowserFact]
    public async Task MemberPage_RejoinsAndFollowsTheRoom_AfterItsConnectionDrops()
    {
        await RunAsync("reconnect", TimeSpan.FromSeconds(90));
    }

    [BrowserFact]
    public async Task MemberPage_OffersStart_WhenTheBrowserRefusesAutoplay_ThenPlaysInSync()
    {
        await RunAsync("autoplay", TimeSpan.FromSeconds(90));
    }

    [BrowserFact]
    public async Task MemberPage_ReportsBuffering_WhenItsVideoStalls_AndTheRoomWaitsThenResumesWhenItIsReady()
    {
        var result = await RunAsync("buffering", TimeSpan.FromSeconds(90));

        var transitions = result.GetProperty("transitions").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["ready", "buffering", "ready"], transitions);
    }

    [BrowserFact]
    public async Task WrongPassword_ShowsTheError_AndTheRightOneJoins()
    {
        await RunAsync("password", TimeSpan.FromSeconds(60));
    }
}

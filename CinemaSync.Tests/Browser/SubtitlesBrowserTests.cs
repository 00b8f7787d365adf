using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>Subtitles in headless Debian Chromium (browser-tests/subtitles.mjs): three users in separate browser contexts.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SubtitlesBrowserTests(BrowserTestEnvironment env, ITestOutputHelper output)
{
    private Task<JsonElement> RunAsync(string scenario, int seconds = 90) =>
        env.RunPassingInSessionAsync("subtitles.mjs", scenario, TimeSpan.FromSeconds(seconds), output);

    [BrowserFact]
    public async Task TwoMembers_PickDifferentTracks_AndEachSeesTheirOwnCueAtTheSameVideoTime() => await RunAsync("pick");

    [BrowserFact]
    public async Task Host_SetsTheRoomDefault_RenamesAndRemovesTracks_AndAMemberFollows() => await RunAsync("manage");
}

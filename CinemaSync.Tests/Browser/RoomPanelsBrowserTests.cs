using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>
/// The room's panels in headless Debian Chromium (browser-tests/panels.mjs): two or three users in
/// separate browser contexts on the shared browser-test server; one node process and Chromium for the class.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RoomPanelsBrowserTests(BrowserTestEnvironment env, ITestOutputHelper output)
{
    private Task<JsonElement> RunAsync(string scenario, int seconds = 60) =>
        env.RunPassingInSessionAsync("panels.mjs", scenario, TimeSpan.FromSeconds(seconds), output);

    [BrowserFact]
    public async Task QueueAdd_ReachesEveryone_AndPlayNextStartsForEveryoneInSync() => await RunAsync("queue", 90);

    [BrowserFact]
    public async Task MakeCoHost_ShowsTheCoHostsControls_AndTheyWork() => await RunAsync("cohost");

    [BrowserFact]
    public async Task Kick_TellsTheKickedUser_AndTheirPageStopsFollowing() => await RunAsync("kick");

    [BrowserFact]
    public async Task Ban_RefusesTheRejoin_WithTheSentence() => await RunAsync("ban");

    [BrowserFact]
    public async Task InviteLink_JoinsAPrivateRoom_WithoutThePassword() => await RunAsync("invite");

    [BrowserFact]
    public async Task ChatOff_InSettings_SaysChatIsOffForEveryone_AndClosingTheRoomEndsItForEveryone() => await RunAsync("settings");

    [BrowserFact]
    public async Task StalledMember_ShowsAsBufferingOnTheHostsPage_AndTheRoomWaitsThenResumes() => await RunAsync("stall");

    [BrowserFact]
    public async Task PlaybackSpeed_IsFollowedByEveryPlayer_WhenTheHostSetsIt() => await RunAsync("speed");
}

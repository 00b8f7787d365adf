using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>A web node on the loopback Google fakes, with videos in a user's Drive and in the service account's catalogue.</summary>
public sealed class DrivePickerFixture : IAsyncLifetime
{
    /// <summary>The Google account the browser is signed in to at the fake Google.</summary>
    public const string Account = "ana.drive@gmail.test";

    public DriveServerFixture Drive { get; } = new();

    /// <summary>A SubRip file in the service account's Drive, for adding a subtitle track from Drive.</summary>
    public string SubtitleFileId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Drive.InitializeAsync();
        foreach (var (name, minutes) in new[] { ("Holiday in Lisbon.mp4", 14), ("Birthday party.mp4", 32), ("Holiday drone shots.mp4", 6) })
            Drive.Drive.AddFile(Account, name, 180_000_000, durationMs: minutes * 60_000L);
        foreach (var (name, minutes) in new[] { ("Big Buck Bunny.mp4", 10), ("Sintel.mp4", 15), ("Tears of Steel.mp4", 12), ("Cosmos Laundromat.mp4", 12) })
            Drive.Drive.AddFile(Drive.ServiceAccount, name, 350_000_000, durationMs: minutes * 60_000L);
        SubtitleFileId = Drive.Drive.AddTextFile(Drive.ServiceAccount, "Sintel.en.srt",
            System.Text.Encoding.UTF8.GetBytes("1\r\n00:00:00,500 --> 00:00:30,000\r\nFrom the <i>Drive</i>\r\n")).Id;
    }

    /// <summary>
    /// Where the screenshots go: <c>CINEMASYNC_SCREENSHOTS</c> (relative to the repository; scripts/screenshots.sh
    /// sets docs/screenshots), else <c>artifacts/screenshots</c>.
    /// </summary>
    public static string ScreenshotsFolder => Environment.GetEnvironmentVariable("CINEMASYNC_SCREENSHOTS") is { Length: > 0 } dir
        ? Path.GetFullPath(dir, BrowserPrerequisites.RepositoryRoot)
        : Path.Combine(BrowserPrerequisites.ArtifactsDirectory, "screenshots");

    /// <summary>What panels.mjs needs to run against this node.</summary>
    public Dictionary<string, string> ScenarioEnvironment() => new()
    {
        ["CINEMASYNC_URL"] = Drive.Server.BaseAddress.ToString(),
        ["CINEMASYNC_GOOGLE_URL"] = Drive.Google.BaseAddress.ToString(),
        ["CINEMASYNC_GOOGLE_ACCOUNT"] = Account,
        ["CINEMASYNC_SCREENSHOTS"] = ScreenshotsFolder,
        ["CINEMASYNC_DRIVE_SUBTITLE_ID"] = SubtitleFileId,
    };

    public Task DisposeAsync() => Drive.DisposeAsync();
}

/// <summary>
/// Google Drive in the watch page, in headless Debian Chromium (browser-tests/panels.mjs): connect
/// Google through the fake consent page, pick from my Drive and from the catalogue; and the README's
/// screenshots of the room and the picker (<c>scripts/screenshots.sh</c> writes them to docs/screenshots).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DrivePickerBrowserTests(BrowserTestEnvironment env, DrivePickerFixture drive, ITestOutputHelper output)
    : IClassFixture<DrivePickerFixture>
{
    private Task<JsonElement> RunAsync(string scenario) =>
        env.RunPassingInSessionAsync("panels.mjs", scenario, TimeSpan.FromSeconds(90), output, drive.ScenarioEnvironment());

    [BrowserFact]
    public async Task ConnectGoogle_ThenPick_SetsTheRoomVideoFromMyDrive_AndQueuesFromTheCatalogue() => await RunAsync("google");

    [BrowserFact]
    public async Task SubtitleAdd_FromADriveLink_IsServedThroughTheEndpoint_AndAMemberSeesItsCues() => await RunAsync("drivesubs");

    [BrowserFact]
    public async Task Screenshots_OfTheRoomAndTheDrivePicker_AreWritten()
    {
        var result = await RunAsync("screenshots");

        foreach (var file in result.GetProperty("screenshots").EnumerateObject())
            Assert.True(new FileInfo(file.Value.GetString()!).Length > 10_000, $"{file.Name} screenshot is missing or empty");
    }
}

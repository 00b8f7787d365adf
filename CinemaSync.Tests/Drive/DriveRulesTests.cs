using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Drive;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Drive;

/// <summary>Only videos become room videos or stream, as themselves, and a user's Drive serves a room only while the user is in it.</summary>
public sealed class DriveRulesTests(DriveServerFixture fixture) : StreamTestBase(fixture), IClassFixture<DriveServerFixture>
{
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A host and a page of HTML in the Drive <paramref name="owner"/> names (the host's own, linked, for "user").</summary>
    private async Task<(TestUser Host, FakeDriveServer.FakeFile Html)> HostWithHtmlFileAsync(string owner)
    {
        var host = await Server.SignInAsync("Host");
        var driveOwner = owner == "user" ? await Fixture.ConnectGoogleAsync(host) : Fixture.ServiceAccount;
        return (host, Drive.AddFile(driveOwner, "phish.html", 2048, mimeType: "text/html", durationMs: null));
    }

    private static async Task AssertNotAVideoAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonOf(response);
        Assert.Equal("invalid_payload", problem.Str("error"));
        Assert.Contains("not a video", problem.Str("detail"));
    }

    [Theory]
    [InlineData("service")]
    [InlineData("user")]
    public async Task SetVideo_RefusesAFileThatIsNotAVideo_AsInvalidPayload(string owner)
    {
        var (host, html) = await HostWithHtmlFileAsync(owner);
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = html.Id, owner });

        await AssertNotAVideoAsync(response);
        Assert.Equal("directLink", (await Server.GetRoomAsync(host, roomId)).GetProperty("movie_source").Str("type"));
    }

    [Theory]
    [InlineData("service")]
    [InlineData("user")]
    public async Task CreateRoom_RefusesADriveFileThatIsNotAVideo_AsInvalidPayload(string owner)
    {
        var (host, html) = await HostWithHtmlFileAsync(owner);

        var response = await Server.SendAsync(HttpMethod.Post, "/api/rooms", host,
            new { name = "Phish", is_private = false, movie_source = new { type = "googleDrive", file_id = html.Id, owner } });

        await AssertNotAVideoAsync(response);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("user")]
    public async Task QueueAdd_RefusesADriveFileThatIsNotAVideo_AsInvalidPayload(string owner)
    {
        var (host, html) = await HostWithHtmlFileAsync(owner);
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var client = await Server.ConnectAsync(host);
        (await client.InvokeAsync("join_room", new { room_id = roomId })).AssertOk();

        var ack = await client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "googleDrive", file_id = html.Id, owner } });

        ack.AssertError("invalid_payload");
        Assert.Contains("not a video", ack.Str("message"));
        Assert.Equal(0, (await Server.GetRoomAsync(host, roomId)).GetProperty("queue").GetArrayLength());
    }

    [Fact]
    public async Task Stream_AnswersTheCheckedVideoType_NeverDrives_WithNosniffAndASandbox()
    {
        var file = Drive.AddFile(Fixture.ServiceAccount, "Movie.mp4", 4096);
        file.MediaContentType = "text/html"; // what Drive's download says is not what the server serves
        var watch = await WatchAsync(0, file: file);

        using var get = await GetAsync(watch.Url);
        using var range = await GetAsync(watch.Url, "bytes=0-99");
        using var head = await Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, PathOf(watch.Url)));
        using var refused = await GetAsync($"http://x/api/stream/{file.Id}?owner=service");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        foreach (var response in new[] { get, range, head })
            Assert.Equal("video/mp4", response.Content.Headers.ContentType!.ToString());
        foreach (var response in new[] { get, range, head, refused })
        {
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task Stream_IsRefusedForEveryone_OnceTheOwnerOfTheVideoHasLeft()
    {
        var host = await Server.SignInAsync("Host");
        var file = Drive.AddFile(await Fixture.ConnectGoogleAsync(host), "Holiday.mp4", 10_000);
        var watch = await WatchAsync(0, owner: "user", file: file, host: host);
        using (var before = await GetAsync(watch.Url)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var mediaRequests = Drive.MediaRequests;

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{watch.RoomId}/leave", host)).StatusCode);

        using var after = await GetAsync(watch.Url);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Equal("forbidden", await ErrorOf(after));
        var newUrl = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{watch.RoomId}/stream-url", watch.Member);
        Assert.Equal(HttpStatusCode.Forbidden, newUrl.StatusCode);
        Assert.Equal("forbidden", await ErrorOf(newUrl));
        Assert.Equal(mediaRequests, Drive.MediaRequests); // the owner's token was not used again
    }

    [Fact]
    public async Task Stream_IsRefusedForAQueuedVideo_FromTheDriveOfSomeoneWhoLeft()
    {
        var host = await Server.SignInAsync("Host");
        var file = Drive.AddFile(await Fixture.ConnectGoogleAsync(host), "Queued holiday.mp4", 10_000);
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using (var hostClient = await Server.ConnectAsync(host))
        {
            (await hostClient.InvokeAsync("join_room", new { room_id = roomId })).AssertOk();
            (await hostClient.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "googleDrive", file_id = file.Id, owner = "user" } })).AssertOk();
        }
        var member = await Server.SignInAsync("Member");
        await using var memberClient = await Server.ConnectAsync(member);
        (await memberClient.InvokeAsync("join_room", new { room_id = roomId })).AssertOk();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/leave", host)).StatusCode);

        (await memberClient.InvokeAsync("play_next", new { room_id = roomId })).AssertOk(); // the member is host now

        Assert.Equal(file.Id, (await Server.GetRoomAsync(member, roomId)).GetProperty("movie_source").Str("file_id"));
        var url = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/stream-url", member);
        Assert.Equal(HttpStatusCode.Forbidden, url.StatusCode);
        Assert.Equal("forbidden", await ErrorOf(url));
    }
}

/// <summary>
/// The proxy's bounds, on a node whose Drive pools are small — 3 metadata connections, 4 stream
/// connections, so that one shared pool would show — and whose metadata is never cached (each stream
/// reads the type afresh).
/// </summary>
public sealed class StreamBoundsTests(DriveServerFixture fixture) : StreamTestBase(fixture), IClassFixture<DriveServerFixture>, IAsyncLifetime
{
    private TestServer _server = null!;
    protected override TestServer Server => _server;

    public async Task InitializeAsync()
    {
        var settings = Fixture.Settings();
        settings["Stream:MaxConnections"] = "4";
        settings["Drive:MaxConnections"] = "3";
        settings["Drive:MetadataTtl"] = "00:00:00";
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        Drive.ReleaseStalledMedia();
        await _server.DisposeAsync();
    }

    private async Task<Watch> SlowWatchAsync()
    {
        var file = Drive.AddFile(Fixture.ServiceAccount, $"Slow {Guid.NewGuid():N}.mp4", 1024 * 1024);
        file.StallAfterBytes = 64 * 1024;
        return await WatchAsync(0, file: file);
    }

    /// <summary>Opens <paramref name="count"/> streams of <paramref name="url"/> that stall mid-body, each holding a Drive connection.</summary>
    private async Task<List<HttpResponseMessage>> OpenStalledAsync(string url, int count)
    {
        var stalled = Drive.StalledStreams;
        var open = new List<HttpResponseMessage>();
        for (var i = 0; i < count; i++)
        {
            var response = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            open.Add(response);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Drive.StalledStreams < stalled + count && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(stalled + count, Drive.StalledStreams);
        return open;
    }

    [Fact]
    public async Task Stream_Refuses429_TheFourthConcurrentStreamOfAViewer_WhileTheFirstThreeFinish()
    {
        var watch = await SlowWatchAsync();
        var open = await OpenStalledAsync(watch.Url, 3);

        using var fourth = await GetAsync(watch.Url);
        open.AddRange(await OpenStalledAsync(await StreamUrlAsync(watch.Host, watch.RoomId), 1)); // the cap is per viewer

        Assert.Equal((HttpStatusCode)429, fourth.StatusCode);
        Assert.Equal("rate_limited", await ErrorOf(fourth));
        Assert.NotNull(fourth.Headers.RetryAfter);
        watch.File.StallAfterBytes = null;
        Drive.ReleaseStalledMedia();
        foreach (var response in open)
            using (response)
                Assert.Equal(FakeBytes.Sha256(watch.File.Seed, 0, watch.File.Size - 1), (await HashBodyAsync(response)).Hash);

        // Finished streams give their slots back.
        var slots = Server.Services.GetRequiredService<StreamSlots>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (slots.OpenFor(watch.Member.UserId) > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        using var again = await GetAsync(watch.Url);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Metadata_IsAnswered_WhileSlowStreamsHoldEveryStreamConnection()
    {
        var watch = await SlowWatchAsync();
        var open = await OpenStalledAsync(watch.Url, 3);
        open.AddRange(await OpenStalledAsync(await StreamUrlAsync(watch.Host, watch.RoomId), 1));
        try
        {
            var other = Drive.AddFile(Fixture.ServiceAccount, "Other.mp4", 777);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // Drive:Timeout is 30 s: a starved call would still be waiting

            var response = await Server.Http.SendAsync(Server.Request(HttpMethod.Get, $"/api/movies/{other.Id}", watch.Member), timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Other.mp4", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("name"));
            Assert.Equal(4, Drive.StalledStreams); // the streams are still open
        }
        finally
        {
            Drive.ReleaseStalledMedia();
            open.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task Stream_IsRefused_WhenTheFileIsNoLongerAVideoAtDrive()
    {
        var watch = await WatchAsync(4096);
        using (var before = await GetAsync(watch.Url)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        watch.File.MimeType = "text/html"; // replaced at Drive by a page
        var mediaRequests = Drive.MediaRequests;

        using var after = await GetAsync(watch.Url);

        Assert.Equal(HttpStatusCode.BadRequest, after.StatusCode);
        Assert.Equal("invalid_payload", await ErrorOf(after));
        Assert.Equal(mediaRequests, Drive.MediaRequests);
    }
}

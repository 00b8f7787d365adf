using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Security;

/// <summary>Wrong passwords count per user per room, over REST and the hub alike: 5 per 10 minutes.</summary>
public sealed class PasswordGuessingTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private const string Password = "open sesame";

    private TestServer Server => fixture.Server;

    private async Task<string> PrivateRoomAsync()
    {
        var host = await Server.SignInAsync("Host");
        return (await Server.CreateRoomAsync(host, new
        {
            name = "Locked", is_private = true, password = Password,
            movie_source = new { type = "directLink", url = "https://videos.test/a.mp4" },
        })).Str("room_id");
    }

    private async Task<(HttpStatusCode Status, string? Error)> RestJoinAsync(TestUser user, string roomId, string password)
    {
        var response = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", user, new { password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("error", out var error) ? error.GetString() : null);
    }

    [Fact]
    public async Task Join_AnswersRateLimited_AfterFiveWrongPasswordsOverRestAndHub_UntilTheWindowPasses()
    {
        var roomId = await PrivateRoomAsync();
        var guesser = await Server.SignInAsync("Guesser");
        await using var client = await Server.ConnectAsync(guesser);

        for (var i = 0; i < 3; i++) Assert.Equal((HttpStatusCode.Forbidden, "invalid_password"), await RestJoinAsync(guesser, roomId, $"guess {i}"));
        for (var i = 3; i < 5; i++) (await client.JoinAsync(roomId, $"guess {i}")).AssertError("invalid_password");

        // Past the limit even the right password is refused, over both routes, until the window passes.
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), await RestJoinAsync(guesser, roomId, "guess 5"));
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), await RestJoinAsync(guesser, roomId, Password));
        (await client.JoinAsync(roomId, Password)).AssertError("rate_limited");

        // Someone else is not held up by the guesser.
        var friend = await Server.SignInAsync("Friend");
        Assert.Equal(HttpStatusCode.OK, (await RestJoinAsync(friend, roomId, Password)).Status);

        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        (await client.JoinAsync(roomId, Password)).AssertOk();
    }

    [Fact]
    public async Task Join_CountsGuessesSentAtOnce_SoNoMoreThanFiveAreChecked()
    {
        var roomId = await PrivateRoomAsync();
        var guesser = await Server.SignInAsync("Parallel guesser");
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => RestJoinAsync(guesser, roomId, $"guess {i}")));
        Assert.Equal(5, answers.Count(a => a.Error == "invalid_password"));
        Assert.Equal(7, answers.Count(a => a is (HttpStatusCode.TooManyRequests, "rate_limited")));
    }

    [Fact]
    public async Task Join_NeverAnswersRateLimited_WhenAUserGetsThePasswordRightAfterAFewTypos()
    {
        var roomId = await PrivateRoomAsync();
        var user = await Server.SignInAsync("Typo");
        for (var i = 0; i < 4; i++) Assert.Equal("invalid_password", (await RestJoinAsync(user, roomId, "typo")).Error);
        Assert.Equal(HttpStatusCode.OK, (await RestJoinAsync(user, roomId, "  " + Password + " ")).Status);
        // A participant rejoins (a reconnect) whatever it sends, and it does not count.
        await using var client = await Server.ConnectAsync(user);
        for (var i = 0; i < 3; i++) (await client.JoinAsync(roomId, "anything")).AssertOk();
    }
}

/// <summary>REST commands draw on the same per-user allowance as the hub methods that do the same.</summary>
public sealed class RestLimitTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["RateLimits:JoinsPerSecond"] = "0.001", ["RateLimits:JoinsBurst"] = "3",
        ["RateLimits:PlaybackPerSecond"] = "0.001", ["RateLimits:PlaybackBurst"] = "3",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RestJoin_SharesTheHubJoinLimit_AndAnswers429PastIt()
    {
        var host = await _server.SignInAsync("Host");
        var roomId = (await _server.CreateRoomAsync(host)).Str("room_id");
        var user = await _server.SignInAsync("Joiner");

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", user, new { })).StatusCode);
        await using var client = await _server.ConnectAsync(user);
        (await client.JoinAsync(roomId)).AssertOk();

        var refused = await _server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", user, new { });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limited", (await refused.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        (await client.JoinAsync(roomId)).AssertError("rate_limited");
    }

    [Fact]
    public async Task RestPlayback_SharesTheHubPlaybackLimit_AndAnswers429PastIt()
    {
        var (roomId, host, hostClient) = await _server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        object Play(double position) => new { status = "playing", position };

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, Play(i))).StatusCode);
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 5.0 })).AssertOk();

        var refused = await _server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, Play(9));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limited", (await refused.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 9.0 })).AssertError("rate_limited");
    }
}

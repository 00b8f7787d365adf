using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.SignalR.Client;

namespace CinemaSync.Tests.Auth;

public sealed class BackendTokenTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("missing")]
    [InlineData("expired")]
    [InlineData("foreign_secret")]
    [InlineData("foreign_rsa")]
    [InlineData("alg_none")]
    [InlineData("wrong_issuer")]
    [InlineData("garbage")]
    public async Task Rest_Answers401Unauthorized_WhenBackendTokenIsMissingOrNotOurs(string kind)
    {
        var user = kind == "missing" ? null : new TestUser("x", "x", BackendJwts.Bad(kind));

        var response = await Server.SendAsync(HttpMethod.Get, "/api/auth/me", user);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("expired")]
    [InlineData("foreign_secret")]
    [InlineData("foreign_rsa")]
    [InlineData("alg_none")]
    public async Task Hub_RefusesToConnect_WhenBackendTokenIsMissingOrNotOurs(string kind)
    {
        var token = kind == "missing" ? null : BackendJwts.Bad(kind);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => RoomClient.ConnectAsync(Server.BaseAddress, token));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Rest_AcceptsAHandMadeToken_WhenSignedWithTheServerSecret()
    {
        // The control for the refusals above: the same minting code with the right key works.
        var response = await Server.SendAsync(HttpMethod.Get, "/api/auth/me",
            new TestUser("u", "u", BackendJwts.Mint("user-good", DateTimeOffset.UtcNow.AddHours(1))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_IssuesADifferentToken_WhenTheSameUserSignsInTwiceAtOnce()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new AuthOptions { JwtSecret = TestServer.JwtSecret });
        var tokens = new BackendTokens(options, new ManualClock(DateTimeOffset.UtcNow));
        var user = new UserProfile { UserId = "ana", DisplayName = "Ana" };

        var (first, _) = tokens.Issue(user);
        var (second, _) = tokens.Issue(user);

        Assert.NotEqual(first, second);
        var response = await Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { Authorization = new("Bearer", second) } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_Answers503NotConfigured_WhenFirebaseIsNotConfigured()
    {
        var response = await Server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = "x.y.z" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_configured", problem.Str("error"));
        Assert.Contains("Firebase", problem.Str("detail"));
    }
}

public sealed class ShortLivedTokenTests
{
    [Fact]
    public async Task Hub_StopsHonouringTheToken_WhenItExpiresOnALiveConnection()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Auth:TokenLifetime"] = "00:00:03" });
        var user = await server.SignInAsync("Brief");
        await using var client = await server.ConnectAsync(user);
        (await client.InvokeAsync("sync_time", new { client_time = 1.0 })).AssertOk();

        // The server closes a connection whose token expired; a call that races the close is
        // answered `unauthorized`. Either way, nothing is honoured after the expiry.
        var closed = new TaskCompletionSource();
        client.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!closed.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            JsonElement ack;
            try { ack = await client.InvokeAsync("sync_time", new { client_time = 2.0 }); }
            catch (Exception) when (client.Connection.State != HubConnectionState.Connected) { break; }
            if (!ack.GetProperty("ok").GetBoolean()) ack.AssertError("unauthorized");
            await Task.Delay(200);
        }

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
    }
}

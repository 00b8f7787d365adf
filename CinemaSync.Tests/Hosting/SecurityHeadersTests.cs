using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Hosting;

public sealed class SecurityHeadersTests
{
    /// <summary>A Firebase sign-in attempt (limited per client IP) from <paramref name="forwardedFor"/>; true when the limit refused it.</summary>
    private static async Task<bool> SignInRefusedAsync(TestServer server, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/exchange") { Content = JsonContent.Create(new { id_token = "not-a-token" }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await server.Http.SendAsync(request)).StatusCode == HttpStatusCode.TooManyRequests;
    }

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/rooms/mine")]
    [InlineData("/no-such-route")]
    [InlineData("/")]
    [InlineData("/js/app.js")]
    public async Task Response_HasNosniffAndReferrerPolicy_WhateverTheRoute(string path)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Http.GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Page_HasContentSecurityPolicy_ThatAllowsItsOwnScriptsHubAndAnyVideo()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "https://watch.cinemasync.test",
        });
        var response = await server.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var directives = csp.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Contains("'self'", directives["connect-src"]);
        Assert.Contains(server.BaseAddress.GetLeftPart(UriPartial.Authority).Replace("http:", "ws:"), directives["connect-src"]);
        Assert.Contains("https://watch.cinemasync.test", directives["connect-src"]);
        Assert.Contains("wss://watch.cinemasync.test", directives["connect-src"]);
        Assert.Contains("https:", directives["media-src"]);
        Assert.Contains("http:", directives["media-src"]);
        Assert.Contains("data:", directives["img-src"]);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        // JSON answers are not pages: no page policy on them.
        Assert.False((await server.Http.GetAsync("/api/health")).Headers.Contains("Content-Security-Policy"));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "10.1.2.3, 127.0.0.1")]
    [InlineData("ForwardedHeaders:KnownNetworks", "127.0.0.0/8")]
    public async Task SignInLimit_CountsTheForwardedClientAddress_WhenTheProxyIsKnown(string setting, string value)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:LoginRateLimitPerMinute"] = "2",
            [setting] = value,
        });
        Assert.False(await SignInRefusedAsync(server, "203.0.113.1"));
        Assert.False(await SignInRefusedAsync(server, "203.0.113.1"));
        Assert.True(await SignInRefusedAsync(server, "203.0.113.1"));
        // Another client behind the same proxy has its own bucket.
        Assert.False(await SignInRefusedAsync(server, "203.0.113.2"));
    }

    [Fact]
    public async Task SignInLimit_IgnoresXForwardedFor_WhenNoProxyIsConfigured()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Auth:LoginRateLimitPerMinute"] = "2" });
        Assert.False(await SignInRefusedAsync(server, "203.0.113.1"));
        Assert.False(await SignInRefusedAsync(server, "203.0.113.2"));
        // A client cannot buy a fresh bucket by inventing an address.
        Assert.True(await SignInRefusedAsync(server, "203.0.113.3"));
    }

    [Fact]
    public async Task Hsts_IsSent_OnlyForHttpsFromAKnownProxy()
    {
        await using var behindProxy = await TestServer.StartAsync(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies"] = "127.0.0.1" });
        await using var direct = await TestServer.StartAsync();
        HttpRequestMessage Request(bool https)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
            request.Headers.Host = "cinemasync.example";
            if (https) request.Headers.Add("X-Forwarded-Proto", "https");
            return request;
        }

        var secure = await behindProxy.Http.SendAsync(Request(https: true));
        Assert.StartsWith("max-age=", secure.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False((await behindProxy.Http.SendAsync(Request(https: false))).Headers.Contains("Strict-Transport-Security"));
        Assert.False((await direct.Http.SendAsync(Request(https: true))).Headers.Contains("Strict-Transport-Security"));

        await using var development = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
            ["environment"] = "Development",
        });
        Assert.False((await development.Http.SendAsync(Request(https: true))).Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task InviteLink_IsBuiltFromApiBaseUrl_NotFromTheHostHeader()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["API_BASE_URL"] = "https://api.cinemasync.test" });
        var host = await server.SignInAsync("Host");
        var room = await server.CreateRoomAsync(host);
        var request = server.Request(HttpMethod.Post, $"/api/rooms/{room.Str("room_id")}/invites", host, new { });
        request.Headers.Host = "evil.example";
        var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("url");
        Assert.StartsWith("https://api.cinemasync.test/?room=", url);
    }
}

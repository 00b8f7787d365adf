using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Auth;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Exchange_Answers429RateLimited_WhenAnIpExceedsTheLoginLimit()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:LoginRateLimitPerMinute"] = "3",
        });
        // Development sign-ins count per name, not against the IP's budget.
        for (var i = 0; i < 5; i++) await server.SignInAsync($"User {i}");
        for (var i = 0; i < 3; i++)
        {
            var exchange = await server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = "x" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, exchange.StatusCode); // no Firebase here: not_configured
        }

        var limited = await server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = "x" });

        await AssertRateLimitedAsync(limited);
        // Other endpoints are not affected.
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task DevSignIn_Answers429RateLimited_WhenOneDisplayNameExceedsTheLimit_AndOtherNamesStillSignIn()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:LoginRateLimitPerMinute"] = "3",
        });
        for (var i = 0; i < 3; i++) await server.SignInAsync("Ana");

        var limited = await server.Http.PostAsJsonAsync("/api/auth/dev", new { display_name = "  ana " });

        await AssertRateLimitedAsync(limited);
        for (var i = 0; i < 12; i++) await server.SignInAsync($"Member {i}");
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage limited)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task GoogleEndpoints_Answer429RateLimited_PerUser()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Auth:OAuthRateLimitPerMinute"] = "2" });
        var ana = await server.SignInAsync("Ana");
        var bob = await server.SignInAsync("Bob");

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/api/google/status", ana)).StatusCode);
        var limited = await server.SendAsync(HttpMethod.Get, "/api/google/status", ana);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/api/google/status", bob)).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Auth;

public sealed class RateLimitTests
{
    [Fact]
    public async Task SignIn_Answers429RateLimited_WhenAnIpExceedsTheLoginLimit()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:LoginRateLimitPerMinute"] = "3",
            ["Auth:OAuthRateLimitPerMinute"] = "2",
        });
        for (var i = 0; i < 2; i++) await server.SignInAsync($"User {i}");
        // Exchange and dev login share the per-IP budget.
        var exchange = await server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = "x" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, exchange.StatusCode);

        var limited = await server.Http.PostAsJsonAsync("/api/auth/dev", new { display_name = "One too many" });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limited", (await limited.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
        Assert.True(limited.Headers.RetryAfter is not null);
        // Other endpoints are not affected.
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/health")).StatusCode);
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

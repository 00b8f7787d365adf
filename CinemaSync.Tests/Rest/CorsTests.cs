using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Rest;

public sealed class CorsTests
{
    [Fact]
    public async Task Preflight_AllowsOnlyTheFrontendOrigins()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "http://app.cinemasync.test, http://localhost:3000/",
        });

        foreach (var (origin, allowed) in new[] { ("http://app.cinemasync.test", true), ("http://localhost:3000", true), ("http://evil.test", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/rooms");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            var response = await server.Http.SendAsync(preflight);

            var allowOrigin = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
            Assert.Equal(allowed ? origin : null, allowOrigin);
            if (allowed) Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        }
    }
}

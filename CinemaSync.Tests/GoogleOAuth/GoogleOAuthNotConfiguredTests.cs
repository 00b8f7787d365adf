using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.GoogleOAuth;

public sealed class GoogleOAuthNotConfiguredTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task AuthUrl_Answers503NotConfigured_WithoutClientCredentials()
    {
        var user = await Server.SignInAsync("Ana");

        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/auth-url", user);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_configured", problem.Str("error"));
        Assert.Contains("GOOGLE_CLIENT_ID", problem.Str("detail"));
    }

    [Fact]
    public async Task Callback_RedirectsWithNotConfigured_WithoutClientCredentials()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        var response = await browser.GetAsync("/api/google/callback?code=x&state=y");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/?google=error&reason=not_configured", response.Headers.Location!.ToString());
    }
}

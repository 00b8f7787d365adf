using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>
/// The Google connect round trip in headless Debian Chromium, on plain http loopback as in development:
/// a frontend on another site (http://localhost:…, the API on http://127.0.0.1:…) asks for the start link
/// and navigates to it; Chromium must keep the <c>__Host-</c> Secure binding cookie over http on loopback,
/// send a <c>Referer</c> the start link accepts, and bring the SameSite=Lax cookie back through Google's
/// cross-site redirect to the callback.
/// </summary>
public sealed class GoogleConnectChromiumTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task Chromium_LinksTheAccount_OnPlainHttpLoopback_FromAFrontendOnAnotherSite()
    {
        await using var google = await FakeGoogleOAuthServer.StartAsync();
        string apiBase = "", token = "", email = "";
        var landed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The frontend: signed in to "Google" (a cookie on the same host), it asks for the start link and goes there;
        // where the round trip ends (?google=…) is reported by the request for that page.
        var (page, pageAddress) = await FakeApp.StartAsync(app => app.MapGet("/", (HttpContext c) =>
        {
            if (c.Request.Query.ContainsKey("google")) landed.TrySetResult(c.Request.QueryString.ToString());
            return Results.Content($$"""
                <!doctype html><html><body><script>
                if (!new URLSearchParams(location.search).has("google")) {
                  document.cookie = "{{FakeGoogleOAuthServer.AccountCookie}}={{email}}; path=/";
                  fetch("{{apiBase}}/api/google/auth-url", { headers: { authorization: "Bearer {{token}}" } })
                    .then(r => r.json()).then(b => location.assign(b.url));
                }
                </script></body></html>
                """, "text/html");
        }));
        await using var _ = page;
        var frontend = $"http://localhost:{pageAddress.Port}";
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GOOGLE_CLIENT_ID"] = FakeGoogleOAuthServer.ClientId,
            ["GOOGLE_CLIENT_SECRET"] = FakeGoogleOAuthServer.ClientSecret,
            ["GOOGLE_OAUTH_AUTH_URL"] = $"http://localhost:{google.BaseAddress.Port}{google.AuthUrl.AbsolutePath}",
            ["GOOGLE_OAUTH_TOKEN_URL"] = google.TokenUrl.ToString(),
            ["GOOGLE_OAUTH_REVOKE_URL"] = google.RevokeUrl.ToString(),
            ["FRONTEND_URL"] = frontend,
        });
        var user = await server.SignInAsync("Ana");
        (apiBase, token, email) = (server.BaseAddress.ToString().TrimEnd('/'), user.Token, $"{user.UserId}@gmail.test");

        var result = await WithChromiumAsync(new Uri(frontend + "/"), landed.Task);

        Assert.Equal("?google=connected", result);
        var status = await (await server.SendAsync(HttpMethod.Get, "/api/google/status", user)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(status.GetProperty("connected").GetBoolean());
        Assert.Equal(email, status.Str("email"));
        Assert.Contains(google.TokenRequests, r => r.GetValueOrDefault("grant_type") == "authorization_code" && r.ContainsKey("code_verifier"));
    }

    /// <summary>Opens <paramref name="url"/> in a fresh headless Chromium profile and waits (60 s at most) for <paramref name="done"/>.</summary>
    private async Task<T> WithChromiumAsync<T>(Uri url, Task<T> done)
    {
        var profile = Directory.CreateTempSubdirectory("cinemasync-chromium-").FullName;
        var info = new ProcessStartInfo(BrowserPrerequisites.ChromiumPath,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", $"--user-data-dir={profile}", url.ToString()])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var chromium = Process.Start(info)!;
        var stderr = chromium.StandardError.ReadToEndAsync();
        try
        {
            return await done.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            chromium.Kill(entireProcessTree: true);
            output.WriteLine(await stderr);
            throw;
        }
        finally
        {
            if (!chromium.HasExited) chromium.Kill(entireProcessTree: true);
            await chromium.WaitForExitAsync();
            Directory.Delete(profile, recursive: true);
        }
    }
}

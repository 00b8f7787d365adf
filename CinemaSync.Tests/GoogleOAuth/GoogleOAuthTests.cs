using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Users;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using Orleans.Serialization;
using Orleans.Storage;

namespace CinemaSync.Tests.GoogleOAuth;

public sealed class GoogleOAuthTests(GoogleServerFixture fixture) : IClassFixture<GoogleServerFixture>, IDisposable
{
    private static readonly Uri Page = new(GoogleServerFixture.FrontendUrl + "/?room=abc");
    private static readonly Uri EvilPage = new("https://evil.test/free-movies");
    private static readonly string Frontend = GoogleServerFixture.FrontendUrl + "/";

    private TestServer Server => fixture.Server;
    private FakeGoogleOAuthServer Google => fixture.Google;
    private GoogleAccountService Accounts => Server.Services.GetRequiredService<GoogleAccountService>();
    private readonly List<TestBrowser> _browsers = [];

    public void Dispose() => _browsers.ForEach(b => b.Dispose());

    /// <summary>A new browser, signed in to (fake) Google as <paramref name="email"/>, that reaches API_BASE_URL at the test server.</summary>
    private TestBrowser Browser(string email)
    {
        var browser = new TestBrowser((GoogleServerFixture.ApiBaseUrl, Server.BaseAddress));
        browser.SignInToGoogle(Google, email);
        _browsers.Add(browser);
        return browser;
    }

    private static string EmailOf(TestUser user) => $"{user.UserId}@gmail.test";

    private static string StateOf(Uri url) => QueryHelpers.ParseQuery(url.Query)["state"].ToString();

    /// <summary>Opens the start link in <paramref name="browser"/> from <paramref name="from"/> and stops at Google's door: the consent URL.</summary>
    private async Task<Uri> ConsentUrlAsync(TestBrowser browser, Uri startLink, Uri? from)
    {
        var (response, url) = await browser.NavigateAsync(startLink, from);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var consent = new Uri(url, response.Headers.Location!);
        Assert.Equal(Google.AuthUrl.GetLeftPart(UriPartial.Path), consent.GetLeftPart(UriPartial.Path));
        return consent;
    }

    /// <summary>A new user, in their own browser, stopped at Google's consent URL of a fresh round trip.</summary>
    private async Task<(TestUser User, TestBrowser Browser, Uri Consent)> FreshConsentAsync()
    {
        var user = await Server.SignInAsync("Ana");
        var browser = Browser(EmailOf(user));
        return (user, browser, await ConsentUrlAsync(browser, await GoogleConnect.StartUrlAsync(Server, user), Page));
    }

    /// <summary><paramref name="url"/> with one query parameter replaced.</summary>
    private static Uri WithQuery(Uri url, string name, string value)
    {
        var query = QueryHelpers.ParseQuery(url.Query).ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        query[name] = value;
        return new Uri(QueryHelpers.AddQueryString(url.GetLeftPart(UriPartial.Path), query));
    }

    /// <summary>Goes from Google's consent URL (Google consents as the browser's account) to the callback and on to the frontend.</summary>
    private static async Task<Uri> ConsentAndReturnAsync(TestBrowser browser, Uri consentUrl, Uri initiator, string? bearer = null)
    {
        var (response, url) = await browser.NavigateAsync(consentUrl, initiator, GoogleConnect.IsOAuthHop, bearer);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(url, response.Headers.Location!);
    }

    /// <summary>A direct navigation to the callback (no Google in between), as a crafted link would be.</summary>
    private static async Task<Uri> CallbackAsync(TestBrowser browser, string query)
    {
        var (response, url) = await browser.NavigateAsync(new Uri(GoogleServerFixture.ApiBaseUrl + "/api/google/callback?" + query), EvilPage);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(url, response.Headers.Location!);
    }

    private async Task<JsonElement> StatusAsync(TestUser user)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/status", user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<bool> ConnectedAsync(TestUser user) => (await StatusAsync(user)).GetProperty("connected").GetBoolean();

    /// <summary>The whole round trip for a new user in their own browser; returns the user and what the fake Google granted.</summary>
    private async Task<(TestUser User, FakeGoogleOAuthServer.Grant Grant, TestBrowser Browser)> ConnectAsync(long expiresIn = 3600)
    {
        var user = await Server.SignInAsync("Viewer");
        Google.SetTokenLifetime(EmailOf(user), expiresIn);
        var browser = Browser(EmailOf(user));
        var back = await GoogleConnect.ConnectAsync(Server, user, browser, Page);
        Assert.Equal($"{Frontend}?google=connected", back.ToString());
        return (user, Google.Grants.Last(g => g.Email == EmailOf(user)), browser);
    }

    private static string S256(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    [Fact]
    public async Task AuthUrl_IsAStartLinkOfThisApi_WithANewStateEachTime()
    {
        var user = await Server.SignInAsync("Ana");

        var url = await GoogleConnect.StartUrlAsync(Server, user);

        Assert.Equal(GoogleServerFixture.ApiBaseUrl + "/api/google/start", url.GetLeftPart(UriPartial.Path));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", StateOf(url));
        Assert.NotEqual(StateOf(url), StateOf(await GoogleConnect.StartUrlAsync(Server, user)));
    }

    [Fact]
    public async Task AuthUrl_Answers401_WithoutToken()
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/auth-url", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_SetsAHostOnlyBindingCookie_AndSendsTheBrowserToGoogleWithPkceS256()
    {
        var user = await Server.SignInAsync("Ana");
        var start = await GoogleConnect.StartUrlAsync(Server, user);
        var browser = Browser(EmailOf(user));

        var (response, _) = await browser.NavigateAsync(start, Page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(GoogleBrowserBinding.CookieName + "=", setCookie);
        Assert.Equal("__Host-cinemasync_google", GoogleBrowserBinding.CookieName);
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("path=/", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));

        var consent = response.Headers.Location!;
        Assert.Equal(Google.AuthUrl.GetLeftPart(UriPartial.Path), consent.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(consent.Query);
        Assert.Equal(FakeGoogleOAuthServer.ClientId, query["client_id"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal(GoogleServerFixture.ApiBaseUrl + "/api/google/callback", query["redirect_uri"].ToString());
        Assert.Equal("offline", query["access_type"].ToString());
        Assert.Equal("consent", query["prompt"].ToString());
        Assert.Equal(["openid", "email", "https://www.googleapis.com/auth/drive.readonly"], query["scope"].ToString().Split(' '));
        Assert.Equal(StateOf(start), query["state"].ToString());
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", query["code_challenge"].ToString());
    }

    [Fact]
    public async Task Callback_StoresEncryptedTokens_AndStatusSaysConnected()
    {
        var (user, grant, _) = await ConnectAsync();

        var status = await StatusAsync(user);
        Assert.True(status.GetProperty("connected").GetBoolean());
        Assert.Equal(grant.Email, status.Str("email"));
        var exchange = Google.TokenRequests.Single(r => r.GetValueOrDefault("code") == grant.Code);
        Assert.Equal("authorization_code", exchange["grant_type"]);
        Assert.Equal(GoogleServerFixture.ApiBaseUrl + "/api/google/callback", exchange["redirect_uri"]);
        // PKCE: the verifier the server kept answers the challenge Google saw.
        Assert.Matches("^[A-Za-z0-9_-]{43,128}$", exchange["code_verifier"]);
        Assert.Equal(grant.CodeChallenge, S256(exchange["code_verifier"]));

        var accessToken = await Accounts.GetAccessTokenAsync(user.UserId);
        Assert.StartsWith("ya29.access-", accessToken);

        // What the store holds: ciphertext only, neither token in clear.
        var stored = await ReadPersistedUserStateAsync(user.UserId);
        Assert.NotNull(stored.Google);
        Assert.False(string.IsNullOrEmpty(stored.Google.ProtectedTokens));
        var raw = Server.Services.GetRequiredService<Serializer>().SerializeToArray(stored);
        var text = Encoding.UTF8.GetString(raw) + JsonSerializer.Serialize(stored);
        Assert.DoesNotContain(accessToken, text);
        Assert.DoesNotContain(grant.RefreshToken, text);
        Assert.DoesNotContain("ya29.", text);
        Assert.DoesNotContain("1//refresh-", text);
    }

    [Fact]
    public async Task StoredTokens_AreReadableByAnotherNode_ThroughTheSharedKeyRing()
    {
        var (user, grant, _) = await ConnectAsync();
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        Assert.NotEmpty(await grains.GetGrain<IDataProtectionKeysGrain>(IDataProtectionKeysGrain.DefaultKey).GetAllAsync());

        // A second "node": its own Data Protection stack, sharing only the grain store.
        var node = new ServiceCollection();
        node.AddDataProtection().SetApplicationName(DataProtectionSetup.ApplicationName);
        node.Configure<KeyManagementOptions>(o => o.XmlRepository = new GrainXmlRepository(grains));
        await using var other = node.BuildServiceProvider();
        var link = await grains.GetGrain<IUserGrain>(user.UserId).GetGoogleAsync();

        var clear = other.GetRequiredService<IDataProtectionProvider>().CreateProtector(GoogleAccountService.ProtectorPurpose).Unprotect(link!.ProtectedTokens);

        Assert.Contains(grant.RefreshToken, clear);
    }

    [Fact]
    public async Task Callback_LinksNothing_WhenTheVictimsBrowserCompletesTheAttackersFlow()
    {
        var attacker = await Server.SignInAsync("Mallory");
        var attackerBrowser = Browser(EmailOf(attacker));
        // The attacker starts a round trip in their own browser and stops at Google's consent page ...
        var consent = await ConsentUrlAsync(attackerBrowser, await GoogleConnect.StartUrlAsync(Server, attacker), Page);
        // ... and gets the victim, signed in to Google in another browser, to open it and consent.
        var victimBrowser = Browser("victim@gmail.test");

        var back = await ConsentAndReturnAsync(victimBrowser, consent, EvilPage);

        Assert.Equal($"{Frontend}?google=error&reason=browser_mismatch", back.ToString());
        Assert.False(await ConnectedAsync(attacker));
        var victimsCode = Google.Grants.Single(g => g.Email == "victim@gmail.test" && g.CodeChallenge == QueryHelpers.ParseQuery(consent.Query)["code_challenge"]);
        Assert.DoesNotContain(Google.TokenRequests, r => r.GetValueOrDefault("code") == victimsCode.Code); // never even exchanged
        // The state is spent: not even the attacker's own browser can finish it now.
        Assert.EndsWith("reason=invalid_state", (await ConsentAndReturnAsync(attackerBrowser, consent, Page)).ToString());
        Assert.False(await ConnectedAsync(attacker));
    }

    [Fact]
    public async Task Callback_LinksNothing_WhenTheVictimsBrowserHasItsOwnBindingCookie()
    {
        var (victim, victimGrant, victimBrowser) = await ConnectAsync();
        var attacker = await Server.SignInAsync("Mallory");
        var consent = await ConsentUrlAsync(Browser(EmailOf(attacker)), await GoogleConnect.StartUrlAsync(Server, attacker), Page);
        Assert.NotNull(victimBrowser.CookieFor(new Uri(GoogleServerFixture.ApiBaseUrl), GoogleBrowserBinding.CookieName));

        var back = await ConsentAndReturnAsync(victimBrowser, consent, EvilPage);

        Assert.Equal($"{Frontend}?google=error&reason=invalid_state", back.ToString());
        Assert.False(await ConnectedAsync(attacker));
        Assert.Equal(victimGrant.Email, (await StatusAsync(victim)).Str("email"));
    }

    [Theory]
    [InlineData(null)]                 // typed, or opened from an e-mail or chat app: Sec-Fetch-Site: none
    [InlineData("https://evil.test/")] // a link or script on another site
    public async Task Start_RefusesTheStartLink_WhenOurPageDidNotOpenIt(string? from)
    {
        var attacker = await Server.SignInAsync("Mallory");
        var start = await GoogleConnect.StartUrlAsync(Server, attacker);
        var victimBrowser = Browser("victim@gmail.test");

        var (response, _) = await victimBrowser.NavigateAsync(start, from is null ? null : new Uri(from), GoogleConnect.IsOAuthHop);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"{Frontend}?google=error&reason=untrusted_start", response.Headers.Location!.ToString());
        Assert.Null(victimBrowser.CookieFor(new Uri(GoogleServerFixture.ApiBaseUrl), GoogleBrowserBinding.CookieName));
        Assert.DoesNotContain(Google.Grants, g => g.Email == "victim@gmail.test");
        Assert.False(await ConnectedAsync(attacker));
    }

    [Fact]
    public async Task Start_TakesAFrontendOnAnotherSite_ByTheOriginItsNavigationComesFrom()
    {
        var user = await Server.SignInAsync("Ana");
        var browser = Browser(EmailOf(user));

        var back = await GoogleConnect.ConnectAsync(Server, user, browser, new Uri(GoogleServerFixture.PartnerFrontendUrl + "/watch?room=abc"));

        Assert.Equal($"{Frontend}?google=connected", back.ToString());
        Assert.True(await ConnectedAsync(user));
    }

    [Fact]
    public async Task Start_RefusesAStartLink_AnotherBrowserHasOpened()
    {
        var user = await Server.SignInAsync("Ana");
        var start = await GoogleConnect.StartUrlAsync(Server, user);
        var first = Browser(EmailOf(user));
        var consent = await ConsentUrlAsync(first, start, Page);
        var second = Browser("someone@gmail.test");

        var (response, _) = await second.NavigateAsync(start, Page);

        Assert.Equal($"{Frontend}?google=error&reason=invalid_state", response.Headers.Location!.ToString());
        // The first browser still finishes (opening the link again there is harmless too).
        Assert.Equal(consent, await ConsentUrlAsync(first, start, Page));
        Assert.EndsWith("google=connected", (await ConsentAndReturnAsync(first, consent, Page)).ToString());
    }

    [Fact]
    public async Task Start_LetsOneBrowserRunTwoRoundTripsAtOnce()
    {
        var user = await Server.SignInAsync("Ana");
        var browser = Browser(EmailOf(user));
        var firstTab = await ConsentUrlAsync(browser, await GoogleConnect.StartUrlAsync(Server, user), Page);
        var secondTab = await ConsentUrlAsync(browser, await GoogleConnect.StartUrlAsync(Server, user), Page);

        Assert.EndsWith("google=connected", (await ConsentAndReturnAsync(browser, secondTab, Page)).ToString());
        Assert.EndsWith("google=connected", (await ConsentAndReturnAsync(browser, firstTab, Page)).ToString());
    }

    [Fact]
    public async Task Callback_FailsTheExchange_WhenTheCodeWasIssuedForAnotherCodeChallenge()
    {
        var (user, browser, consent) = await FreshConsentAsync();
        // Someone swapped the challenge on the way to Google (they hold the matching verifier, the server does not).
        var tampered = WithQuery(consent, "code_challenge", S256("attacker-verifier-0123456789-0123456789-0123456789"));

        var back = await ConsentAndReturnAsync(browser, tampered, Page);

        Assert.Equal($"{Frontend}?google=error&reason=exchange_failed", back.ToString());
        Assert.False(await ConnectedAsync(user));
    }

    [Theory]
    [InlineData(false, "Missing code verifier.")]
    [InlineData(true, "Invalid code verifier.")]
    public async Task FakeTokenEndpoint_RefusesTheCode_WithoutTheMatchingPkceVerifier(bool sendWrongVerifier, string description)
    {
        var (_, browser, consent) = await FreshConsentAsync();
        var (toCallback, _) = await browser.NavigateAsync(consent, Page); // stop before our callback
        var code = QueryHelpers.ParseQuery(toCallback.Headers.Location!.Query)["code"].ToString();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["client_id"] = FakeGoogleOAuthServer.ClientId,
            ["client_secret"] = FakeGoogleOAuthServer.ClientSecret, ["redirect_uri"] = GoogleServerFixture.ApiBaseUrl + "/api/google/callback",
        };
        if (sendWrongVerifier) form["code_verifier"] = "wrong-verifier-0123456789-0123456789-0123456789";
        using var http = new HttpClient();

        var response = await http.PostAsync(Google.TokenUrl, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_grant", error.Str("error"));
        Assert.Contains(description, error.Str("error_description"));
    }

    [Fact]
    public async Task FakeConsentPage_RefusesAnAuthorizationRequest_WithoutAnS256Challenge()
    {
        var (_, browser, consent) = await FreshConsentAsync();

        var (response, _) = await browser.NavigateAsync(WithQuery(consent, "code_challenge_method", "plain"), Page);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Runs the round trip in <paramref name="browser"/> up to Google's redirect back, and returns the callback URL Google sent it to.</summary>
    private async Task<Uri> CallbackUrlAsync(TestBrowser browser, TestUser user)
    {
        var consent = await ConsentUrlAsync(browser, await GoogleConnect.StartUrlAsync(Server, user), Page);
        var (toCallback, url) = await browser.NavigateAsync(consent, Page);
        Assert.Equal(HttpStatusCode.Redirect, toCallback.StatusCode);
        return new Uri(url, toCallback.Headers.Location!);
    }

    [Fact]
    public async Task Callback_RefusesAReplayedState()
    {
        var user = await Server.SignInAsync("Ana");
        var browser = Browser(EmailOf(user));
        var callback = await CallbackUrlAsync(browser, user);
        Assert.EndsWith("google=connected", (await ConsentAndReturnAsync(browser, callback, Page)).ToString());
        var email = (await StatusAsync(user)).Str("email");

        var replay = await CallbackAsync(browser, $"state={StateOf(callback)}&code=4/code-{Guid.NewGuid():N}");

        Assert.Equal($"{Frontend}?google=error&reason=invalid_state", replay.ToString());
        Assert.Equal(email, (await StatusAsync(user)).Str("email"));
    }

    [Theory]
    [InlineData("never-issued-state-0123456789abcdefghijklmnop")]
    [InlineData("bad%20state!")]
    [InlineData("")]
    public async Task Callback_RefusesAStateThisServerDidNotIssue(string state)
    {
        var (_, _, browser) = await ConnectAsync(); // a browser with a binding cookie

        var back = await CallbackAsync(browser, $"state={state}&code=4/code-{Guid.NewGuid():N}");

        Assert.EndsWith("google=error&reason=invalid_state", back.ToString());
    }

    [Fact]
    public async Task Callback_RefusesAnotherUsersState_AndConnectsNobody()
    {
        var ana = await Server.SignInAsync("Ana");
        var bob = await Server.SignInAsync("Bob");
        var browser = Browser(EmailOf(bob));
        var consent = await ConsentUrlAsync(browser, await GoogleConnect.StartUrlAsync(Server, ana), Page);

        var back = await ConsentAndReturnAsync(browser, consent, Page, bearer: bob.Token); // an API client signed in as Bob

        Assert.EndsWith("google=error&reason=invalid_state", back.ToString());
        Assert.False(await ConnectedAsync(ana));
        Assert.False(await ConnectedAsync(bob));
    }

    [Fact]
    public async Task Callback_ReportsTheError_WhenGoogleRefusesTheCodeOrTheUserDenies()
    {
        var user = await Server.SignInAsync("Ana");
        var browser = Browser(EmailOf(user));
        var callback = await CallbackUrlAsync(browser, user);
        var refused = await CallbackAsync(browser, $"state={StateOf(callback)}&code=4/code-that-google-never-issued");
        Assert.EndsWith("google=error&reason=exchange_failed", refused.ToString());

        var state = StateOf(await CallbackUrlAsync(browser, user));
        var denied = await CallbackAsync(browser, $"error=access_denied&state={state}");
        Assert.EndsWith("google=error&reason=access_denied", denied.ToString());
        Assert.False(await ConnectedAsync(user));
    }

    [Fact]
    public async Task GetAccessToken_RefreshesOnce_WhenTheAccessTokenIsAboutToExpire()
    {
        var (user, grant, _) = await ConnectAsync(expiresIn: 30);
        var before = Google.RefreshGrants;

        var first = await Accounts.GetAccessTokenAsync(user.UserId);
        var second = await Accounts.GetAccessTokenAsync(user.UserId);

        Assert.StartsWith("ya29.refreshed-", first);
        Assert.Equal(first, second);
        Assert.Equal(before + 1, Google.RefreshGrants);
        Assert.Contains(Google.TokenRequests, r => r.GetValueOrDefault("refresh_token") == grant.RefreshToken);
        Assert.True((await StatusAsync(user)).GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task GetAccessToken_ThrowsGoogleNotConnected_AndForgetsTheLink_WhenRefreshIsRevoked()
    {
        var (user, grant, _) = await ConnectAsync(expiresIn: 30);
        Google.RevokeAtGoogle(grant.RefreshToken);

        await Assert.ThrowsAsync<GoogleNotConnectedException>(() => Accounts.GetAccessTokenAsync(user.UserId));

        var status = await StatusAsync(user);
        Assert.False(status.GetProperty("connected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("email").ValueKind);
        await Assert.ThrowsAsync<GoogleNotConnectedException>(() => Accounts.GetAccessTokenAsync(user.UserId));
    }

    [Fact]
    public async Task Disconnect_RevokesAtGoogleAndDeletesTheTokens()
    {
        var (user, grant, _) = await ConnectAsync();

        var response = await Server.SendAsync(HttpMethod.Post, "/api/google/disconnect", user);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(grant.RefreshToken, Google.Revoked);
        Assert.False((await StatusAsync(user)).GetProperty("connected").GetBoolean());
        Assert.Null((await ReadPersistedUserStateAsync(user.UserId)).Google);
        await Assert.ThrowsAsync<GoogleNotConnectedException>(() => Accounts.GetAccessTokenAsync(user.UserId));
        // Disconnecting again is harmless.
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Post, "/api/google/disconnect", user)).StatusCode);
    }

    [Fact]
    public async Task Status_SaysNotConnected_ForANewUser()
    {
        var status = await StatusAsync(await Server.SignInAsync("New"));
        Assert.False(status.GetProperty("connected").GetBoolean());
    }

    [Fact]
    public void DataProtection_LoadsItsKeyRing_AfterTheSiloHasStarted()
    {
        // The key ring lives in a grain: its start-up loader must not run before the silo is up.
        var order = Server.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.True(order.IndexOf("DataProtectionHostedService") > order.IndexOf("SiloHostedService"), string.Join(", ", order));
        Assert.True(order.IndexOf("SiloHostedService") >= 0);
    }

    /// <summary>The user's state as the grain storage provider holds it (not through the grain).</summary>
    private async Task<UserState> ReadPersistedUserStateAsync(string userId)
    {
        var storage = Server.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var state = new GrainState<UserState>(new UserState());
        await storage.ReadStateAsync(StateNames.User, GrainId.Create("user", userId), state);
        Assert.True(state.RecordExists);
        return state.State!;
    }
}

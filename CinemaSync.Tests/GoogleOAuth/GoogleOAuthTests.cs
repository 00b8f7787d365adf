using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CinemaSync.Grains.Abstractions;
using CinemaSync.Grains.Users;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace CinemaSync.Tests.GoogleOAuth;

public sealed class GoogleOAuthTests(GoogleServerFixture fixture) : IClassFixture<GoogleServerFixture>, IDisposable
{
    private TestServer Server => fixture.Server;
    private FakeGoogleOAuthServer Google => fixture.Google;
    private GoogleAccountService Accounts => Server.Services.GetRequiredService<GoogleAccountService>();

    /// <summary>A browser-like client: the callback's redirect is inspected, not followed.</summary>
    private readonly HttpClient _browser = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress };

    public void Dispose() => _browser.Dispose();

    private async Task<Uri> AuthUrlAsync(TestUser user)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/auth-url", user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).Str("url"));
    }

    private static string StateOf(Uri authUrl) => QueryHelpers.ParseQuery(authUrl.Query)["state"].ToString();

    private async Task<Uri> CallbackAsync(string state, string code, TestUser? caller = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/google/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}&scope=email");
        if (caller is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        var response = await _browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private async Task<JsonElement> StatusAsync(TestUser user)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/status", user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The whole round trip for a new user; returns the user and what the fake Google granted.</summary>
    private async Task<(TestUser User, FakeGoogleOAuthServer.Grant Grant)> ConnectAsync(long expiresIn = 3600)
    {
        var user = await Server.SignInAsync("Viewer");
        var state = StateOf(await AuthUrlAsync(user));
        var (code, grant) = Google.NewCode(expiresIn: expiresIn);
        var back = await CallbackAsync(state, code);
        Assert.Equal($"{GoogleServerFixture.FrontendUrl}/?google=connected", back.ToString());
        return (user, grant);
    }

    [Fact]
    public async Task AuthUrl_AsksGoogleForOfflineDriveReadOnlyAccessWithConsent()
    {
        var user = await Server.SignInAsync("Ana");

        var url = await AuthUrlAsync(user);

        Assert.Equal(Google.AuthUrl.GetLeftPart(UriPartial.Path), url.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal(FakeGoogleOAuthServer.ClientId, query["client_id"].ToString());
        Assert.Equal("code", query["response_type"].ToString());
        Assert.Equal(GoogleServerFixture.ApiBaseUrl + "/api/google/callback", query["redirect_uri"].ToString());
        Assert.Equal("offline", query["access_type"].ToString());
        Assert.Equal("consent", query["prompt"].ToString());
        Assert.Equal(["openid", "email", "https://www.googleapis.com/auth/drive.readonly"], query["scope"].ToString().Split(' '));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", query["state"].ToString());
        Assert.NotEqual(query["state"].ToString(), StateOf(await AuthUrlAsync(user)));
    }

    [Fact]
    public async Task AuthUrl_Answers401_WithoutToken()
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/google/auth-url", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Callback_StoresEncryptedTokens_AndStatusSaysConnected()
    {
        var (user, grant) = await ConnectAsync();

        var status = await StatusAsync(user);
        Assert.True(status.GetProperty("connected").GetBoolean());
        Assert.Equal(grant.Email, status.Str("email"));
        var exchange = Google.TokenRequests.Single(r => r.GetValueOrDefault("code") == grant.Code);
        Assert.Equal("authorization_code", exchange["grant_type"]);
        Assert.Equal(GoogleServerFixture.ApiBaseUrl + "/api/google/callback", exchange["redirect_uri"]);

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
        var (user, grant) = await ConnectAsync();
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
    public async Task Callback_RefusesAReplayedState()
    {
        var user = await Server.SignInAsync("Ana");
        var state = StateOf(await AuthUrlAsync(user));
        Assert.EndsWith("google=connected", (await CallbackAsync(state, Google.NewCode().Code)).ToString());

        var replay = await CallbackAsync(state, Google.NewCode(email: "attacker@gmail.test").Code);

        Assert.Equal($"{GoogleServerFixture.FrontendUrl}/?google=error&reason=invalid_state", replay.ToString());
        Assert.Equal("viewer@gmail.test", (await StatusAsync(user)).Str("email"));
    }

    [Theory]
    [InlineData("never-issued-state-0123456789abcdefghijklmnop")]
    [InlineData("bad state!")]
    [InlineData("")]
    public async Task Callback_RefusesAStateThisServerDidNotIssue(string state)
    {
        var back = await CallbackAsync(state, Google.NewCode().Code);
        Assert.EndsWith("google=error&reason=invalid_state", back.ToString());
    }

    [Fact]
    public async Task Callback_RefusesAnotherUsersState_AndConnectsNobody()
    {
        var ana = await Server.SignInAsync("Ana");
        var bob = await Server.SignInAsync("Bob");
        var anasState = StateOf(await AuthUrlAsync(ana));

        var back = await CallbackAsync(anasState, Google.NewCode(email: "bob@gmail.test").Code, caller: bob);

        Assert.EndsWith("google=error&reason=invalid_state", back.ToString());
        Assert.False((await StatusAsync(ana)).GetProperty("connected").GetBoolean());
        Assert.False((await StatusAsync(bob)).GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task Callback_ReportsTheError_WhenGoogleRefusesTheCodeOrTheUserDenies()
    {
        var user = await Server.SignInAsync("Ana");
        var refused = await CallbackAsync(StateOf(await AuthUrlAsync(user)), "4/code-that-google-never-issued");
        Assert.EndsWith("google=error&reason=exchange_failed", refused.ToString());

        var state = StateOf(await AuthUrlAsync(user));
        var denied = await _browser.GetAsync($"/api/google/callback?error=access_denied&state={state}");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.EndsWith("google=error&reason=access_denied", denied.Headers.Location!.ToString());
        Assert.False((await StatusAsync(user)).GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task GetAccessToken_RefreshesOnce_WhenTheAccessTokenIsAboutToExpire()
    {
        var (user, grant) = await ConnectAsync(expiresIn: 30);
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
        var (user, grant) = await ConnectAsync(expiresIn: 30);
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
        var (user, grant) = await ConnectAsync();

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

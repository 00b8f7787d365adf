using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>
/// The watch page's sign-in as a deployment has it (browser-tests/watchpage.mjs): Firebase with
/// dev login off, and a server with no sign-in method at all.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserTestEnvironment env, ITestOutputHelper output)
{
    /// <summary>
    /// The page's real Firebase JS SDK signs in against <see cref="FakeFirebaseAuthEmulator"/>
    /// (<c>connectAuthEmulator</c>), whose ID tokens are RS256-signed by <see cref="FakeFirebaseIssuer"/>;
    /// the server verifies them against that issuer's JWKS as it would Google's.
    /// </summary>
    [BrowserFact]
    public async Task FirebaseSignIn_SignsInRenewsAndSignsOut_WhenDevLoginIsOff()
    {
        await using var issuer = await FakeFirebaseIssuer.StartAsync();
        await using var emulator = await FakeFirebaseAuthEmulator.StartAsync(issuer);
        emulator.IdTokenLifetime = TimeSpan.FromSeconds(25); // the SDK refreshes tokens that expire within 30 s
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:DevLogin"] = "false",
            ["FIREBASE_PROJECT_ID"] = FakeFirebaseIssuer.ProjectId,
            ["FIREBASE_JWKS_URL"] = issuer.JwksUrl.ToString(),
            ["FIREBASE_API_KEY"] = FakeFirebaseAuthEmulator.ApiKey,
            ["FIREBASE_AUTH_EMULATOR_HOST"] = emulator.Host,
            ["environment"] = "Development", // the emulator is refused elsewhere
            ["FIREBASE_SIGN_IN_PROVIDERS"] = "google,password",
        });

        await env.RunPassingScenarioAsync("firebase", TimeSpan.FromSeconds(90), output, new Dictionary<string, string>
        {
            ["CINEMASYNC_URL"] = server.BaseAddress.ToString(),
            ["CINEMASYNC_FIREBASE_EMULATOR_URL"] = emulator.BaseAddress.ToString(),
        });

        Assert.True(issuer.JwksRequests > 0, "the server never fetched the issuer's keys, so it verified no signature");
        Assert.Equal(1, emulator.SignUps);
        Assert.True(emulator.SignIns >= 2, $"sign-ins with a password: {emulator.SignIns}");
        Assert.True(emulator.Refreshes > 0, "no ID token was refreshed through securetoken");
    }

    [BrowserFact]
    public async Task SignInPage_SaysNobodyCanSignIn_WhenNeitherDevLoginNorFirebaseIsConfigured()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Auth:DevLogin"] = "false" });

        await env.RunPassingScenarioAsync("nosignin", TimeSpan.FromSeconds(60), output, new Dictionary<string, string>
        {
            ["CINEMASYNC_URL"] = server.BaseAddress.ToString(),
        });
    }
}

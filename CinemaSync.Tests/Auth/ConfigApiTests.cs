using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;

namespace CinemaSync.Tests.Auth;

/// <summary><c>GET /api/config</c>: the public settings the watch page picks its sign-in methods from.</summary>
public sealed class ConfigApiTests
{
    private static async Task<JsonElement> ConfigAsync(TestServer server)
    {
        var response = await server.Http.GetAsync("/api/config"); // no token: anonymous
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Config_OffersOnlyDevLogin_WhenNothingIsConfigured()
    {
        await using var server = await TestServer.StartAsync();

        var config = await ConfigAsync(server);

        Assert.True(config.GetProperty("dev_login").GetBoolean());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("firebase").ValueKind);
        Assert.False(config.GetProperty("google_oauth").GetBoolean());
        Assert.False(config.GetProperty("google_drive").GetBoolean());
    }

    [Fact]
    public async Task Config_GivesTheFirebaseWebConfig_WhenTheProjectAndTheApiKeyAreSet()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:DevLogin"] = "false",
            ["FIREBASE_PROJECT_ID"] = "movie-night",
            ["FIREBASE_API_KEY"] = "AIzaPublicWebKey",
        });

        var config = await ConfigAsync(server);

        Assert.False(config.GetProperty("dev_login").GetBoolean());
        var firebase = config.GetProperty("firebase");
        Assert.Equal("AIzaPublicWebKey", firebase.GetProperty("api_key").GetString());
        Assert.Equal("movie-night.firebaseapp.com", firebase.GetProperty("auth_domain").GetString());
        Assert.Equal("movie-night", firebase.GetProperty("project_id").GetString());
        Assert.Equal(["google"], firebase.GetProperty("sign_in_providers").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, firebase.GetProperty("auth_emulator_url").ValueKind);
    }

    [Fact]
    public async Task Config_HasNoFirebase_WhenTheApiKeyIsMissing()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["FIREBASE_PROJECT_ID"] = "movie-night" });

        var config = await ConfigAsync(server);

        Assert.Equal(JsonValueKind.Null, config.GetProperty("firebase").ValueKind);
    }

    [Fact]
    public async Task Config_NamesTheEmulatorUrlDomainAndProviders_WhenTheyAreSet()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FIREBASE_PROJECT_ID"] = "movie-night",
            ["FIREBASE_API_KEY"] = "AIzaPublicWebKey",
            ["FIREBASE_AUTH_DOMAIN"] = "login.example.com",
            ["FIREBASE_AUTH_EMULATOR_HOST"] = "127.0.0.1:9099",
            ["FIREBASE_SIGN_IN_PROVIDERS"] = " password, Google ",
            ["environment"] = "Development", // the emulator is refused elsewhere
        });

        var firebase = (await ConfigAsync(server)).GetProperty("firebase");

        Assert.Equal("login.example.com", firebase.GetProperty("auth_domain").GetString());
        Assert.Equal("http://127.0.0.1:9099", firebase.GetProperty("auth_emulator_url").GetString());
        Assert.Equal(["password", "google"], firebase.GetProperty("sign_in_providers").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("FIREBASE_SIGN_IN_PROVIDERS", "google,facebook")]
    [InlineData("FIREBASE_SIGN_IN_PROVIDERS", " , ")]
    [InlineData("FIREBASE_AUTH_EMULATOR_HOST", "ftp://127.0.0.1:9099")]
    public async Task Startup_Fails_WhenAFirebaseWebSettingIsInvalid(string setting, string value)
    {
        var dataDir = Directory.CreateTempSubdirectory("cinemasync-config-").FullName;
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = CinemaSyncApp.Build([
                "--environment=Testing", "--urls=http://127.0.0.1:0", $"--JWT_SECRET={TestServer.JwtSecret}",
                $"--CINEMASYNC_DATA_DIR={dataDir}", "--FIREBASE_PROJECT_ID=p", "--FIREBASE_API_KEY=k", $"--{setting}={value}",
            ]);
            await app.StartAsync();
            await app.StopAsync();
        });
        Directory.Delete(dataDir, recursive: true);

        Assert.NotNull(failure);
        Assert.Contains(setting, failure.Message);
    }
}

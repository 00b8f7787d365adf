using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CinemaSync.Tests.Auth;

public sealed class FirebaseConfigurationTests
{
    [Fact]
    public async Task Options_ReadProjectIdFromServiceAccountKey_WhenNoProjectIdIsSet()
    {
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, """{ "type": "service_account", "project_id": "from-key-file", "client_email": "x@y" }""");
        try
        {
            await using var app = CinemaSyncApp.Build(["--environment=Testing", $"--JWT_SECRET={TestServer.JwtSecret}",
                "--API_BASE_URL=http://127.0.0.1:1", $"--FIREBASE_SERVICE_ACCOUNT_KEY={keyFile}"]);
            var options = app.Services.GetRequiredService<IOptions<FirebaseOptions>>().Value;
            Assert.Equal("from-key-file", options.ProjectId);
            Assert.Equal("https://securetoken.google.com/from-key-file", options.Issuer);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task Startup_Fails_WhenEmulatorIsEnabledInProduction()
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = CinemaSyncApp.Build([
                "--environment=Production", "--urls=http://127.0.0.1:0", $"--JWT_SECRET={TestServer.JwtSecret}", "--API_BASE_URL=http://127.0.0.1:1",
                "--FIREBASE_PROJECT_ID=p", "--FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099",
            ]);
            await app.StartAsync();
            await app.StopAsync();
        });

        Assert.NotNull(failure);
        Assert.Contains("FIREBASE_AUTH_EMULATOR_HOST", failure.Message);
    }

    [Fact]
    public async Task Exchange_AcceptsUnsignedEmulatorToken_OnlyWhenEmulatorIsEnabled()
    {
        await using var issuer = await FakeFirebaseIssuer.StartAsync();
        var unsigned = issuer.Mint(alg: "none");
        await using var emulated = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FIREBASE_PROJECT_ID"] = FakeFirebaseIssuer.ProjectId,
            ["FIREBASE_JWKS_URL"] = issuer.JwksUrl.ToString(),
            ["FIREBASE_AUTH_EMULATOR_HOST"] = "127.0.0.1:9099",
            ["environment"] = "Development",
        });

        var accepted = await emulated.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = unsigned });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var wrongProject = issuer.Mint(new Dictionary<string, object?>(FakeFirebaseIssuer.ValidClaims()) { ["aud"] = "other" }, alg: "none");
        var refused = await emulated.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = wrongProject });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("unauthorized", (await refused.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }

    [Fact]
    public async Task Exchange_Answers503Unavailable_WhenTheJwksCannotBeFetched()
    {
        var issuer = await FakeFirebaseIssuer.StartAsync();
        var token = issuer.Mint();
        var deadJwks = issuer.JwksUrl.ToString();
        await issuer.DisposeAsync(); // nothing listens there any more
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["FIREBASE_PROJECT_ID"] = FakeFirebaseIssuer.ProjectId,
            ["FIREBASE_JWKS_URL"] = deadJwks,
        });

        var response = await server.Http.PostAsJsonAsync("/api/auth/exchange", new { id_token = token });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }
}

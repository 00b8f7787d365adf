using System.Net;
using System.Net.Http.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Builder;

namespace CinemaSync.Tests.Hosting;

/// <summary>Development defaults exist only in Development; operator endpoints are off by default in Production.</summary>
public sealed class EnvironmentDefaultsTests
{
    /// <summary>A node started with exactly these settings (no test conveniences such as dev login).</summary>
    private static async Task<(WebApplication App, HttpClient Http, string DataDirectory)> StartAsync(string environment, params string[] settings)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("cinemasync-env-").FullName;
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var app = CinemaSyncApp.Build([
            $"--environment={environment}", $"--urls={url}", $"--API_BASE_URL={url}", $"--JWT_SECRET={TestServer.JwtSecret}",
            $"--CINEMASYNC_DATA_DIR={dataDirectory}", "--Logging:LogLevel:Default=Warning", .. settings]);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(url) }, dataDirectory);
    }

    private static async Task StopAsync(WebApplication app, HttpClient http, string dataDirectory)
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public async Task DevLoginAndClusterDiagnostics_AreOff_OutsideDevelopment(string environment)
    {
        var (app, http, data) = await StartAsync(environment);
        try
        {
            var signIn = await http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Ana" });
            Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/cluster")).StatusCode);
        }
        finally
        {
            await StopAsync(app, http, data);
        }
    }

    [Fact]
    public async Task DevLogin_CanBeTurnedOn_InStaging()
    {
        var (app, http, data) = await StartAsync("Staging", "--Auth:DevLogin=true", "--Orleans:DiagnosticsEndpoint=true");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Ana" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/cluster")).StatusCode);
        }
        finally
        {
            await StopAsync(app, http, data);
        }
    }

    [Theory]
    [InlineData("Production", HttpStatusCode.NotFound)]
    [InlineData("Staging", HttpStatusCode.OK)]
    public async Task MetricsOpenApiAndScalar_DefaultToOffOnlyInProduction(string environment, HttpStatusCode expected)
    {
        var (app, http, data) = await StartAsync(environment);
        try
        {
            Assert.Equal(expected, (await http.GetAsync("/metrics")).StatusCode);
            Assert.Equal(expected, (await http.GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(expected, (await http.GetAsync("/scalar")).StatusCode);
        }
        finally
        {
            await StopAsync(app, http, data);
        }
    }

    [Fact]
    public async Task MetricsOpenApiAndScalar_FollowTheirSettings()
    {
        var (app, http, data) = await StartAsync("Production", "--Endpoints:Metrics=true", "--Endpoints:OpenApi=false", "--Endpoints:ApiReference=false");
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/scalar")).StatusCode);
        }
        finally
        {
            await StopAsync(app, http, data);
        }
    }
}

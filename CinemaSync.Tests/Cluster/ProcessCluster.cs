using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Cluster;

/// <summary>
/// A real cluster of processes: redis-server for membership, two CinemaSync.Silo processes on
/// one shared SQLite store, and two web nodes in client mode (their timer re-subscription set to
/// 5 minutes, out of the tests' reach). Nothing starts when redis-server
/// is missing (the tests using it are skipped then).
/// </summary>
public sealed class ProcessCluster : IAsyncLifetime
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("cinemasync-cluster-").FullName;
    public RedisProcess Redis { get; private set; } = null!;
    public List<SiloProcess> Silos { get; } = [];
    public List<ServerProcess> Webs { get; } = [];

    public Dictionary<string, string> Environment { get; } = new()
    {
        ["Orleans__Clustering"] = "redis",
        ["Orleans__ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
        ["JWT_SECRET"] = TestServer.JwtSecret,
        // Matches the web nodes' 5-minute re-subscription below: rooms keep silent nodes that long.
        ["Rooms__NodeExpiry"] = "00:15:00",
    };

    public async Task InitializeAsync()
    {
        if (RedisProcess.FindServer() is null) return;
        Redis = await RedisProcess.StartAsync();
        Environment["REDIS_CONNECTION"] = Redis.Connection;
        Silos.AddRange(await Task.WhenAll(StartSiloCoreAsync(), StartSiloCoreAsync()));
        Webs.AddRange(await Task.WhenAll(StartWebAsync(), StartWebAsync()));
    }

    private Task<SiloProcess> StartSiloCoreAsync() => SiloProcess.StartAsync(DataDirectory, Environment);

    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = await StartSiloCoreAsync();
        Silos.Add(silo);
        return silo;
    }

    public Task<ServerProcess> StartWebAsync(int? port = null) =>
        ServerProcess.StartAsync(DataDirectory, new Dictionary<string, string>(Environment)
        {
            ["Orleans__Mode"] = "client",
            ["Orleans__DiagnosticsEndpoint"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__CinemaSync"] = "Information",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            // The periodic re-subscription is pushed out of the tests' reach: a room that moved must
            // be found again through the cluster-change path (membership poll, gateway count).
            ["Realtime__ObserverRefreshInterval"] = "00:05:00",
        }, port);

    /// <summary>Stops web node <paramref name="index"/> (SIGTERM) and starts it again on the same port.</summary>
    public async Task<ServerProcess> RestartWebAsync(int index)
    {
        var old = Webs[index];
        await old.StopAsync();
        await old.DisposeAsync();
        Webs[index] = await StartWebAsync(old.Port);
        return Webs[index];
    }

    /// <summary>The web nodes' logs, for failure messages.</summary>
    public string WebLogs => string.Join("\n", Webs.Select((w, i) => $"--- web {i} ---\n{w.Output}"));

    public static async Task<TestUser> SignInAsync(ServerProcess web, string name)
    {
        var response = await web.Http.PostAsJsonAsync("/api/auth/dev", new { display_name = name });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("user").Str("user_id"), name, body.Str("token"));
    }

    public static async Task<JsonElement> SendAsync(ServerProcess web, HttpMethod method, string path, TestUser user, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await web.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<string> CreateRoomAsync(ServerProcess web, TestUser host) =>
        (await SendAsync(web, HttpMethod.Post, "/api/rooms", host, new
        {
            name = "Cluster night", is_private = false,
            movie_source = new { type = "directLink", url = "https://v.test/m.mp4" },
        })).Str("room_id");

    /// <summary>The silo process that hosts the room's activation now (asked through the diagnostics endpoint).</summary>
    public async Task<SiloProcess> SiloHostingAsync(string roomId, TestUser user)
    {
        var placement = await SendAsync(Webs[0], HttpMethod.Get, $"/api/cluster/rooms/{roomId}", user);
        var port = placement.GetProperty("silo_port").GetInt32();
        return Silos.Single(s => s.SiloPort == port);
    }

    /// <summary>Active silos as the web node <paramref name="web"/> sees them.</summary>
    public static async Task<int> ActiveSilosAsync(ServerProcess web, TestUser user) =>
        (await SendAsync(web, HttpMethod.Get, "/api/cluster", user)).GetProperty("active_silos").GetArrayLength();

    public async Task DisposeAsync()
    {
        foreach (var web in Webs) await web.DisposeAsync();
        foreach (var silo in Silos) await silo.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

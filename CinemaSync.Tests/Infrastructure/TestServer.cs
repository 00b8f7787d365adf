using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>The real web node (co-hosted silo) on a real Kestrel port chosen by the OS.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string JwtSecret = "test-secret-0123456789-0123456789-0123456789";

    /// <summary>Tests drive the hub faster than people do; the rate-limit tests set their own limits.</summary>
    public static readonly IReadOnlyDictionary<string, string> GenerousRateLimits = new Dictionary<string, string>
    {
        ["RateLimits:ChatPerSecond"] = "100000", ["RateLimits:ChatBurst"] = "100000",
        ["RateLimits:ReactionsPerSecond"] = "100000", ["RateLimits:ReactionsBurst"] = "100000",
        ["RateLimits:PlaybackPerSecond"] = "100000", ["RateLimits:PlaybackBurst"] = "100000",
        ["RateLimits:JoinsPerSecond"] = "100000", ["RateLimits:JoinsBurst"] = "100000",
        ["RateLimits:LeavesPerSecond"] = "100000", ["RateLimits:LeavesBurst"] = "100000",
        ["RateLimits:StatusPerSecond"] = "100000", ["RateLimits:StatusBurst"] = "100000",
        ["RateLimits:SyncTimePerSecond"] = "100000", ["RateLimits:SyncTimeBurst"] = "100000",
        ["RateLimits:ModerationPerSecond"] = "100000", ["RateLimits:ModerationBurst"] = "100000",
        ["RateLimits:QueuePerSecond"] = "100000", ["RateLimits:QueueBurst"] = "100000",
        ["Users:RoomCreationLimit"] = "100000",
        ["Auth:LoginRateLimitPerMinute"] = "100000", ["Auth:OAuthRateLimitPerMinute"] = "100000",
    };

    private readonly WebApplication _app;
    private bool _ownsDataDirectory;

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    private TestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>The SQLite data directory of this server (a fresh temp directory unless given).</summary>
    public string DataDirectory { get; private init; } = "";

    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        string? given = null;
        settings?.TryGetValue("CINEMASYNC_DATA_DIR", out given);
        var dataDir = given ?? Directory.CreateTempSubdirectory("cinemasync-test-").FullName;
        // A port known before start: outside Development API_BASE_URL is required, and it is this
        // address. Another process may take the port between the pick and the bind: pick again.
        for (var attempt = 1; ; attempt++)
        {
            var app = Build(FreePorts.Next(), dataDir, settings, configure);
            try
            {
                await app.StartAsync();
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
                continue;
            }
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new TestServer(app, new Uri(address)) { DataDirectory = dataDir, _ownsDataDirectory = given is null };
        }
    }

    private static WebApplication Build(int port, string dataDir, IDictionary<string, string?>? settings, Action<WebApplicationBuilder>? configure)
    {
        var url = $"http://127.0.0.1:{port}";
        var args = new List<string>
        {
            $"--CINEMASYNC_DATA_DIR={dataDir}",
            $"--urls={url}",
            $"--API_BASE_URL={url}",
            "--environment=Testing",
            $"--JWT_SECRET={JwtSecret}",
            // Outside Development dev login is off unless asked for; the tests sign in with it.
            "--Auth:DevLogin=true",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            // Tests sign many users in from 127.0.0.1; the rate limit tests pass their own low limits.
        };
        // The suite's subtitle files are served from loopback.
        if (settings?.ContainsKey("Subtitles:AllowPrivateAddresses") != true) args.Add("--Subtitles:AllowPrivateAddresses=true");
        foreach (var (key, value) in GenerousRateLimits)
            if (settings?.ContainsKey(key) != true) args.Add($"--{key}={value}");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            if (key != "CINEMASYNC_DATA_DIR") args.Add($"--{key}={value}");
        return CinemaSyncApp.Build(args.ToArray(), configure);
    }

    public async Task<TestUser> SignInAsync(string displayName)
    {
        var response = await Http.PostAsJsonAsync("/api/auth/dev", new { display_name = displayName });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("user").GetProperty("user_id").GetString()!, displayName,
            body.GetProperty("token").GetString()!);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, TestUser? user, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, TestUser? user, object? body = null) =>
        Http.SendAsync(Request(method, path, user, body));

    /// <summary>Creates a room through REST and returns its room object.</summary>
    public async Task<JsonElement> CreateRoomAsync(TestUser host, object? body = null)
    {
        body ??= new { name = "Movie night", is_private = false, movie_source = new { type = "directLink", url = "https://videos.test/movie.mp4" } };
        var response = await SendAsync(HttpMethod.Post, "/api/rooms", host, body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetRoomAsync(TestUser user, string roomId)
    {
        var response = await SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}", user);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<RoomClient> ConnectAsync(TestUser user, bool messagePack = false) =>
        RoomClient.ConnectAsync(BaseAddress, user.Token, messagePack: messagePack);

    /// <summary>A new user, connected to the hub and joined to the room (the caller disposes the client).</summary>
    public async Task<(TestUser User, RoomClient Client)> JoinedUserAsync(string roomId, string displayName, string? password = null,
        bool messagePack = false)
    {
        var user = await SignInAsync(displayName);
        var client = await ConnectAsync(user, messagePack);
        (await client.JoinAsync(roomId, password)).AssertOk();
        return (user, client);
    }

    /// <summary>A new room (REST) whose new host is connected to the hub and joined.</summary>
    public async Task<(string RoomId, TestUser Host, RoomClient HostClient)> HostedRoomAsync(object? body = null)
    {
        var host = await SignInAsync("Host");
        var roomId = (await CreateRoomAsync(host, body)).Str("room_id");
        var client = await ConnectAsync(host);
        (await client.JoinAsync(roomId)).AssertOk();
        return (roomId, host, client);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDataDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

public sealed record TestUser(string UserId, string DisplayName, string Token);

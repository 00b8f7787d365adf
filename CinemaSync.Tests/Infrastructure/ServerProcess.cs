using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using CinemaSync.Web.Hosting;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>The web node as a real OS process (its own silo and store), for restart and crash tests.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    public Uri BaseAddress { get; }
    public int Port => BaseAddress.Port;
    public HttpClient Http { get; }
    public int Id => _process.Id;

    private ServerProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The CinemaSync.Web build next to this test build.</summary>
    public static string WebAssemblyPath => SiblingAssembly("CinemaSync.Web");

    /// <summary>The build of another project of the solution, same configuration as this test build.</summary>
    public static string SiblingAssembly(string project)
    {
        var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var path = testDir.Replace($"{Path.DirectorySeparatorChar}CinemaSync.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}{project}{Path.DirectorySeparatorChar}");
        return Path.Combine(path, project + ".dll");
    }

    /// <param name="generousRateLimits">
    /// False: the server's own default rate limits, as a user's server has them (else
    /// <see cref="TestServer.GenerousRateLimits"/>, since tests drive it faster than people do).
    /// </param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IDictionary<string, string>? environment = null, int? port = null,
        bool generousRateLimits = true)
    {
        port ??= FreePorts.Next();
        var info = new ProcessStartInfo("dotnet", [WebAssemblyPath])
        {
            WorkingDirectory = dataDirectory,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        info.Environment["API_BASE_URL"] = $"http://127.0.0.1:{port}";
        info.Environment["Auth__DevLogin"] = "true";
        info.Environment["JWT_SECRET"] = TestServer.JwtSecret;
        info.Environment["CINEMASYNC_DATA_DIR"] = dataDirectory;
        if (generousRateLimits)
            foreach (var (key, value) in TestServer.GenerousRateLimits) info.Environment[key.Replace(":", "__")] = value;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = ChildProcess.Start(info);
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilReadyAsync();
        return server;
    }

    public string Output => _process.Output;

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await Http.GetAsync("/api/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server did not answer /api/health within 60 s:\n{Output}");
    }

    /// <summary>SIGTERM: the graceful stop an operator or orchestrator sends.</summary>
    /// <summary>A dev sign-in against this server.</summary>
    public async Task<TestUser> SignInAsync(string displayName)
    {
        var response = await Http.PostAsJsonAsync("/api/auth/dev", new { display_name = displayName });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new TestUser(body.GetProperty("user").Str("user_id"), displayName, body.Str("token"));
    }

    public async Task StopAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGKILL: a crash, no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        await _process.KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }
}

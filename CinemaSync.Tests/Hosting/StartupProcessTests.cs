using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CinemaSync.Grains.Hosting;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;

namespace CinemaSync.Tests.Hosting;

/// <summary>
/// The web node and the silo started as a user starts them (<c>dotnet run --project CinemaSync.Web</c>,
/// <c>dotnet CinemaSync.Web.dll</c>), with the settings a user sets in the environment.
/// </summary>
public sealed class StartupProcessTests
{
    private static readonly TimeSpan RefusalLimit = TimeSpan.FromSeconds(10);
    private const string StrongSecret = "Zx81-qwerty-ASDFG-0123456789-lkjhgf-POIUY";

    /// <summary>The repository root, from this test build's location (…/CinemaSync.Tests/bin/&lt;config&gt;/net10.0).</summary>
    private static string RepositoryRoot =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));

    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>A start without any CinemaSync or ASP.NET setting inherited from the test runner.</summary>
    private static ProcessStartInfo Clean(ProcessStartInfo info, string workingDirectory, IDictionary<string, string> environment)
    {
        info.WorkingDirectory = workingDirectory;
        foreach (var key in info.Environment.Keys.ToList())
            if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key == "DOTNET_ENVIRONMENT" || key.Contains("__", StringComparison.Ordinal)
                || key is "JWT_SECRET" or "MONGODB_URI" or "API_BASE_URL" or "FRONTEND_URL" or "CINEMASYNC_DATA_DIR" or StartupEnvironment.RunEnvironmentVariable)
                info.Environment.Remove(key);
        info.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }

    private static ChildProcess DotnetRun(string workingDirectory, IDictionary<string, string> environment) =>
        ChildProcess.Start(Clean(new ProcessStartInfo("dotnet",
            ["run", "--project", Path.Combine(RepositoryRoot, "CinemaSync.Web"), "--no-build", "-c", BuildConfiguration]), workingDirectory, environment));

    private static ChildProcess Dll(string assembly, string workingDirectory, IDictionary<string, string> environment) =>
        ChildProcess.Start(Clean(new ProcessStartInfo("dotnet", [assembly]), workingDirectory, environment));

    private static async Task<HttpResponseMessage> WaitForHealthAsync(ChildProcess process, Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"the server exited:\n{process.Output}");
            try
            {
                var response = await http.GetAsync("/api/health");
                if (response.IsSuccessStatusCode) return response;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no answer on {baseAddress}:\n{process.Output}");
    }

    /// <summary>Waits until the server answers, runs <paramref name="check"/> against it, then stops it (SIGTERM).</summary>
    private static async Task WhileServingAsync(ChildProcess process, Uri url, Func<Task> check)
    {
        try
        {
            await WaitForHealthAsync(process, url);
            await check();
        }
        finally
        {
            await process.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Exit code 1 within 10 s, and the refusal on one line that names the setting, without a stack trace.</summary>
    private static async Task AssertRefusedAsync(ChildProcess process, string setting)
    {
        var started = Stopwatch.StartNew();
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"still running after 30 s:\n{process.Output}");
        var output = process.Output;
        Assert.True(started.Elapsed < RefusalLimit, $"took {started.Elapsed.TotalSeconds:0.0} s to refuse:\n{output}");
        Assert.Equal(StartupGuard.BadSettingExitCode, process.ExitCode);
        var refusals = output.Split('\n').Where(l => l.StartsWith(StartupGuard.Prefix, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(refusals);
        Assert.Contains(setting, line);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task DotnetRun_RefusesToStart_WhenProductionHasNoJwtSecret()
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-run-").FullName;
        using var process = DotnetRun(dir, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["API_BASE_URL"] = "https://cinemasync.example",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });
        try
        {
            await AssertRefusedAsync(process, "JWT_SECRET is not set");
        }
        finally
        {
            await process.KillAsync();
        }
    }

    [Fact]
    public async Task DotnetRun_ListensOnAspNetCoreUrls_InDevelopmentWithDevLogin_WhenNothingElseIsSet()
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-run-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        using var process = DotnetRun(dir, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url.ToString() });
        await WhileServingAsync(process, url, async () =>
        {
            using var http = new HttpClient { BaseAddress = url };
            var signIn = await http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Ana" });
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.Contains("Environment: Development", process.Output);
            Assert.Contains($"SQLite (embedded) at {Path.Combine(dir, "data", "cinemasync.db")}", process.Output);
        });
    }

    [Fact]
    public async Task DotnetRunAndDll_UseTheDotEnvAndDataDirectoryOfTheStartingDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-run-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var dotEnv = Path.Combine(dir, ".env");
        await File.WriteAllTextAsync(dotEnv, $"ASPNETCORE_URLS={url}\nCINEMASYNC_DATA_DIR=./store\n");
        var database = Path.Combine(dir, "store", "cinemasync.db");

        // The same files whichever way the server is started from that directory.
        foreach (var start in new Func<ChildProcess>[]
        {
            () => DotnetRun(dir, new Dictionary<string, string>()),
            () => Dll(ServerProcess.WebAssemblyPath, dir, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }),
        })
        {
            using var process = start();
            await WhileServingAsync(process, url, () =>
            {
                Assert.Contains($"settings file {dotEnv}", process.Output);
                Assert.Contains($"SQLite (embedded) at {database}", process.Output);
                return Task.CompletedTask;
            });
            Assert.True(File.Exists(database));
        }
    }

    [Fact]
    public async Task IdleServer_LogsNoWatchdogStall_WhenItStarts()
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-run-").FullName;
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        using var process = Dll(ServerProcess.WebAssemblyPath, dir, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["Logging__LogLevel__Orleans"] = "Warning",
        });
        // The watchdog's first look happens while the silo starts, before /api/health answers.
        await WhileServingAsync(process, url, () =>
        {
            Assert.DoesNotContain("Participant check thread has not completed", process.Output);
            Assert.DoesNotContain("Orleans.Runtime.Watchdog", process.Output);
            return Task.CompletedTask;
        });
    }

    public static TheoryData<string, string[], string> BadSettings => new()
    {
        { "JWT_SECRET is not set", ["ASPNETCORE_ENVIRONMENT=Production", "API_BASE_URL=https://cinemasync.example"], "" },
        { "JWT_SECRET is too weak", ["ASPNETCORE_ENVIRONMENT=Staging", "API_BASE_URL=https://cinemasync.example", "JWT_SECRET=secret"], "" },
        { "JWT_SECRET is the built-in development secret", ["ASPNETCORE_ENVIRONMENT=Staging", "API_BASE_URL=https://cinemasync.example",
            $"JWT_SECRET={CinemaSync.Web.Auth.AuthOptions.DevelopmentSecret}"], "" },
        { "Auth:DevLogin=true is refused in Production", ["ASPNETCORE_ENVIRONMENT=Production", "API_BASE_URL=https://cinemasync.example",
            $"JWT_SECRET={StrongSecret}", "Auth__DevLogin=true"], "" },
        { "API_BASE_URL is not set", ["ASPNETCORE_ENVIRONMENT=Staging", $"JWT_SECRET={StrongSecret}"], "" },
        { "MONGODB_URI is not a valid", ["ASPNETCORE_ENVIRONMENT=Development", "MONGODB_URI=mongodb://user:hunter2@[not-a-host"], "hunter2" },
        { "MONGODB_URI: no MongoDB server answered", ["ASPNETCORE_ENVIRONMENT=Development", "MONGODB_URI=mongodb://user:hunter2@127.0.0.1:{free}"], "hunter2" },
        { "FIREBASE_AUTH_EMULATOR_HOST is set outside Development", ["ASPNETCORE_ENVIRONMENT=Staging", "API_BASE_URL=https://cinemasync.example",
            $"JWT_SECRET={StrongSecret}", "FIREBASE_PROJECT_ID=demo", "FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099"], "" },
        { "ForwardedHeaders:KnownProxies must list IP addresses", ["ASPNETCORE_ENVIRONMENT=Development", "ForwardedHeaders__KnownProxies=proxy.internal"], "" },
        { "CINEMASYNC_DATA_DIR=", ["ASPNETCORE_ENVIRONMENT=Development", "CINEMASYNC_DATA_DIR={file}/data"], "" },
        { "Orleans:Tls:CertificatePath=", ["ASPNETCORE_ENVIRONMENT=Development", "Orleans__Tls__CertificatePath=./missing.pfx"], "" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task WebNode_RefusesWithOneLineAndExitCode1_WhenASettingIsBad(string expected, string[] settings, string secret)
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-bad-").FullName;
        var file = Path.Combine(dir, "a-file");
        await File.WriteAllTextAsync(file, "");
        var environment = settings.Select(s => s.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1].Replace("{free}", FreePorts.Next().ToString()).Replace("{file}", file));
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}";
        using var process = Dll(ServerProcess.WebAssemblyPath, dir, environment);
        try
        {
            await AssertRefusedAsync(process, expected);
            if (secret.Length > 0) Assert.DoesNotContain(secret, process.Output);
        }
        finally
        {
            await process.KillAsync();
        }
    }

    [Fact]
    public async Task WebNode_RefusesWithOneLineAndExitCode1_WhenItsListenAddressIsTaken()
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-bad-").FullName;
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        using var process = Dll(ServerProcess.WebAssemblyPath, dir, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });
        try
        {
            await AssertRefusedAsync(process, $"ASPNETCORE_URLS: http://127.0.0.1:{port} is already in use");
        }
        finally
        {
            await process.KillAsync();
        }
    }

    public static TheoryData<string, string, string> BadSiloSettings => new()
    {
        { "CINEMASYNC_DATA_DIR=", "CINEMASYNC_DATA_DIR", "{file}/data" },
        { "Orleans:Dashboard must be true or false, not 'maybe'", "Orleans__Dashboard", "maybe" },
        { "Orleans:ShutdownTimeout is no longer read: set Shutdown:DrainTime instead", "Orleans__ShutdownTimeout", "00:00:10" },
    };

    [Theory]
    [MemberData(nameof(BadSiloSettings))]
    public async Task Silo_RefusesWithOneLineAndExitCode1_WhenASettingIsBad(string expected, string setting, string value)
    {
        var dir = Directory.CreateTempSubdirectory("cinemasync-bad-").FullName;
        var file = Path.Combine(dir, "a-file");
        await File.WriteAllTextAsync(file, "");
        var environment = new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["Orleans__Dashboard"] = "false",
        };
        environment[setting] = value.Replace("{file}", file);
        using var process = Dll(ServerProcess.SiblingAssembly("CinemaSync.Silo"), dir, environment);
        try
        {
            await AssertRefusedAsync(process, expected);
        }
        finally
        {
            await process.KillAsync();
        }
    }
}

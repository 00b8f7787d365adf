using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using CinemaSync.Web.Hosting;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>A CinemaSync.Silo as a real OS process on free ports.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    private SiloProcess(ChildProcess process, int siloPort, int gatewayPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public static async Task<SiloProcess> StartAsync(string dataDirectory, IDictionary<string, string> environment)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet", [ServerProcess.SiblingAssembly("CinemaSync.Silo")])
        {
            WorkingDirectory = dataDirectory,
        };
        info.Environment["CINEMASYNC_DATA_DIR"] = dataDirectory;
        info.Environment["Orleans__SiloPort"] = siloPort.ToString();
        info.Environment["Orleans__GatewayPort"] = gatewayPort.ToString();
        info.Environment["Orleans__Dashboard"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Orleans"] = "Warning";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var process = ChildProcess.Start(info);
        var silo = new SiloProcess(process, siloPort, gatewayPort);
        await silo.WaitUntilListeningAsync();
        return silo;
    }

    public string Output => _process.Output;

    /// <summary>The gateway accepts connections once the silo has joined the cluster.</summary>
    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", GatewayPort);
                return;
            }
            catch (SocketException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The silo's gateway did not open within 90 s:\n{Output}");
    }

    /// <summary>SIGTERM and wait for a graceful exit.</summary>
    public async Task StopAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(40));
    }

    /// <summary>SIGKILL: the silo vanishes without leaving the membership table.</summary>
    public async Task KillAsync()
    {
        await _process.KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}

/// <summary>A throw-away redis-server on a free port: no persistence, its own temp directory.</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    public int Port { get; }
    public string Connection => $"127.0.0.1:{Port}";

    private RedisProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    /// <summary>Where redis-server is, or null when it is not installed.</summary>
    public static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "redis-server"))
        .FirstOrDefault(File.Exists);

    public static async Task<RedisProcess> StartAsync()
    {
        var server = FindServer() ?? throw new InvalidOperationException("redis-server is not installed");
        var port = FreePorts.Next();
        var directory = Directory.CreateTempSubdirectory("cinemasync-redis-").FullName;
        var info = new ProcessStartInfo(server,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, port, directory);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return redis;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>A fact that needs redis-server on the PATH (scripts/test.sh installs it).</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisProcess.FindServer() is null)
            Skip = "redis-server is not installed (scripts/test.sh installs it: apt-get install redis-server).";
    }
}

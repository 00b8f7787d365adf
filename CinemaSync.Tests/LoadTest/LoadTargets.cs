using CinemaSync.Bench.Relay;
using Microsoft.AspNetCore.Builder;

namespace CinemaSync.Tests.LoadTest;

/// <summary>A server the load tester can drive: its base URL, stopped on dispose.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    string Url { get; }
}

/// <summary>The bench relay, in-process on a free loopback port.</summary>
public sealed class RelayTarget : ILoadTarget
{
    private readonly WebApplication _app;

    private RelayTarget(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <param name="args">Extra relay arguments, e.g. <c>--Relay:DropEvery 4</c> to inject faults.</param>
    public static async Task<ILoadTarget> StartAsync(params string[] args)
    {
        var (app, url) = await RelayServer.StartAsync(["--urls", "http://127.0.0.1:0", .. args]);
        return new RelayTarget(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A server someone else runs, e.g. <c>new ExternalTarget("http://127.0.0.1:5000")</c>.</summary>
public sealed class ExternalTarget(string url) : ILoadTarget
{
    public string Url { get; } = url.TrimEnd('/');

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// The real CinemaSync web node with its co-hosted silo and a temporary SQLite store, in-process
/// on a free port (<see cref="Infrastructure.TestServer"/>, whose hub rate limits are generous).
/// </summary>
public sealed class CinemaSyncTarget : ILoadTarget
{
    private readonly Infrastructure.TestServer _server;

    private CinemaSyncTarget(Infrastructure.TestServer server)
    {
        _server = server;
        Url = server.BaseAddress.ToString().TrimEnd('/');
    }

    public string Url { get; }

    public static async Task<ILoadTarget> StartAsync(IDictionary<string, string?>? settings = null) =>
        new CinemaSyncTarget(await Infrastructure.TestServer.StartAsync(settings));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

namespace CinemaSync.Tests.Infrastructure;

/// <summary>One server per test class; tests isolate themselves with fresh users and rooms.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    /// <summary>The whole API, the cluster diagnostics (on by default in Development only) included.</summary>
    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Orleans:DiagnosticsEndpoint"] = "true" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

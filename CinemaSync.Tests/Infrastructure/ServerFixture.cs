namespace CinemaSync.Tests.Infrastructure;

/// <summary>One server per test class; tests isolate themselves with fresh users and rooms.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

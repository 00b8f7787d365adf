using Microsoft.Extensions.Logging;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// A server whose rooms keep only the last event or two in their journal and whose web node holds
/// events past a gap for a fraction of a second, with its log captured.
/// </summary>
public sealed class SmallJournalServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan GapHoldTimeout = TimeSpan.FromMilliseconds(300);

    public CapturingLoggerProvider Logs { get; } = new();
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(
        new Dictionary<string, string?>
        {
            ["Journal:RetainEvents"] = "1",
            ["Journal:SnapshotEveryEvents"] = "1",
            ["Realtime:GapHoldTimeout"] = GapHoldTimeout.ToString(),
        },
        builder => builder.Logging.AddProvider(Logs));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

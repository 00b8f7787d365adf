using CinemaSync.Contracts;
using CinemaSync.Grains.Storage;
using CinemaSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Security;

/// <summary>
/// A server whose clock the tests move (for the limits counted within a window), with small
/// bounds so that tests reach them quickly, and a store probe that counts how often health asks.
/// </summary>
public sealed class ManualClockServerFixture : IAsyncLifetime
{
    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);
    public CountingStoreProbe Probe { get; } = new();
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(
        new Dictionary<string, string?>
        {
            ["Users:RoomCreationLimit"] = "3",
            ["Users:RoomListLimit"] = "3",
            ["Rooms:MaxBans"] = "2",
            ["Rooms:MaxPendingInvites"] = "2",
            ["Rooms:MaxQueueLength"] = "2",
            ["Health:ProbeCacheDuration"] = "00:00:30",
        },
        builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(Clock);
            // Tokens are issued on the server's clock: validate their lifetime on it too.
            builder.Services.PostConfigureAll<JwtBearerOptions>(o => o.TokenValidationParameters.LifetimeValidator =
                (notBefore, expires, _, p) =>
                {
                    var now = Clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now + p.ClockSkew) && (expires is null || expires > now - p.ClockSkew);
                });
            builder.Services.AddSingleton<IStorageHealth>(Probe);
        });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>A healthy store that counts its probes.</summary>
public sealed class CountingStoreProbe : IStorageHealth
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public string Name => "counting";

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return Task.FromResult(true);
    }
}

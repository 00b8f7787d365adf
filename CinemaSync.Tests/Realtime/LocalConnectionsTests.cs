using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Realtime;

/// <summary>
/// The index on its own, with SignalR's real hub context (no connections in its store, so the group
/// calls change nothing): its counts and lists while joins, leaves and disconnects race.
/// </summary>
public sealed class LocalConnectionsTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly LocalConnections _connections;

    public LocalConnectionsTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR();
        _services = services.BuildServiceProvider();
        _connections = new LocalConnections(_services.GetRequiredService<IHubContext<RoomHub>>());
    }

    public void Dispose() => _services.Dispose();

    /// <summary>Connects each (connection, user) and joins it to <paramref name="roomId"/>, in that order.</summary>
    private async Task JoinAsync(string roomId, params (string Connection, string User)[] members)
    {
        foreach (var (connection, user) in members)
        {
            _connections.Connected(connection, user);
            Assert.True(await _connections.AddAsync(roomId, connection));
        }
    }

    [Fact]
    public async Task CountIn_MatchesTheJoinedConnections_WhenJoinsLeavesAndDisconnectsRace()
    {
        const int workers = 8, perWorker = 200, rooms = 4;
        using var stop = new CancellationTokenSource();
        var readerSawBadState = false;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var r = 0; r < rooms; r++)
                {
                    var members = _connections.In($"room{r}");
                    var count = _connections.CountIn($"room{r}");
                    if (members.Select(m => m.ConnectionId).Distinct().Count() != members.Length || count < 0) readerSawBadState = true;
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                var id = $"c{w}-{i}";
                var room = $"room{i % rooms}";
                _connections.Connected(id, $"user{w}");
                Assert.True(await _connections.AddAsync(room, id));
                Assert.True(await _connections.AddAsync(room, id)); // a second add of the same connection changes nothing
                // Every third connection leaves, every third drops; the rest stay in.
                if (i % 3 == 1) await _connections.RemoveAsync(room, id);
                else if (i % 3 == 2) Assert.Equal(new[] { room }, _connections.Disconnected(id));
            }
        })));
        await stop.CancelAsync();
        await reader;

        Assert.False(readerSawBadState);
        var staying = Enumerable.Range(0, workers).SelectMany(w => Enumerable.Range(0, perWorker).Where(i => i % 3 == 0).Select(i => (w, i))).ToList();
        for (var r = 0; r < rooms; r++)
        {
            var expected = staying.Where(s => s.i % rooms == r).Select(s => $"c{s.w}-{s.i}").Order().ToList();
            Assert.Equal(expected.Count, _connections.CountIn($"room{r}"));
            Assert.Equal(expected, _connections.In($"room{r}").Select(m => m.ConnectionId).Order().ToList());
        }
    }

    [Fact]
    public async Task In_ListsConnectionsWithTheirUsers_InJoinOrder()
    {
        await JoinAsync("r", ("b", "bob"), ("a", "alice"));

        var members = _connections.In("r");

        Assert.Equal(new[] { ("b", "bob"), ("a", "alice") }, members.Select(m => (m.ConnectionId, m.UserId)));
    }

    [Fact]
    public async Task In_ReturnsACopy_WhenTheCallerChangesTheArray()
    {
        await JoinAsync("r", ("a", "alice"));

        _connections.In("r")[0] = null!;

        Assert.Equal("a", Assert.Single(_connections.In("r")).ConnectionId);
    }

    [Fact]
    public async Task CountIn_IsZero_WhenTheLastMemberLeftOrDropped()
    {
        await JoinAsync("r", ("a", "alice"), ("b", "bob"));
        await _connections.AddAsync("other", "b");

        await _connections.RemoveAsync("r", "a");
        Assert.Equal(1, _connections.CountIn("r"));
        Assert.Equal(new[] { "other", "r" }, _connections.Disconnected("b").Order());

        Assert.Equal(0, _connections.CountIn("r"));
        Assert.Empty(_connections.In("r"));
        Assert.Equal(0, _connections.CountIn("other"));
        Assert.Empty(_connections.Disconnected("b"));
    }

    [Fact]
    public async Task AddAsync_ReturnsFalseAndCountsNothing_WhenTheConnectionIsGone()
    {
        Assert.False(await _connections.AddAsync("r", "never-connected"));
        Assert.Equal(0, _connections.CountIn("r"));

        await _connections.RemoveAsync("r", "never-connected");
        Assert.Equal(0, _connections.CountIn("r"));
    }
}

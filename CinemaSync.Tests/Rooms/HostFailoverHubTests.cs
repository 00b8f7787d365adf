using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Tests.Security;

namespace CinemaSync.Tests.Rooms;

/// <summary>
/// Host failover end to end (hub, grain, core) on the server's manual clock: the grace period passes
/// by moving the clock, and the room runs its due transition before the next command it serves.
/// </summary>
public sealed class HostFailoverHubTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task HostFailover_PassesHostToConnectedCoHost_AfterTheGracePeriod()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync(new
        {
            name = "Failover", is_private = false,
            movie_source = new { type = "directLink", url = "https://v.test/m.mp4" },
            settings = new { host_grace_ms = 5000 },
        });
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var ownedMember = memberClient;
        var (coHost, coHostClient) = await Server.JoinedUserAsync(roomId, "Co-host");
        await using var ownedCoHost = coHostClient;
        (await hostClient.InvokeAsync("set_role", new { room_id = roomId, user_id = coHost.UserId, role = "co_host" })).AssertOk();

        await hostClient.DisposeAsync();
        await memberClient.WaitForAsync("presence_changed", match: p => !p.GetProperty("connected").GetBoolean());
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(4_900));
        (await memberClient.InvokeAsync("chat_message", new { room_id = roomId, text = "still the old host" })).AssertOk();
        Assert.Empty(memberClient.EventsNamed("host_changed"));
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(100));
        (await memberClient.InvokeAsync("chat_message", new { room_id = roomId, text = "grace is over" })).AssertOk();

        var changed = (await memberClient.WaitForAsync("host_changed")).Single();
        Assert.Equal(coHost.UserId, changed.Str("host_id"));
        Assert.Equal(JsonValueKind.Null, changed.GetProperty("by").ValueKind);
        Assert.Equal(coHost.UserId, (await Server.GetRoomAsync(member, roomId)).Str("host_id"));
    }
}

using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Security;

/// <summary>A connection stops receiving a room's events when its token expires, or when it is removed from the room.</summary>
public sealed class ConnectionRevocationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static object Play(string roomId, double position) => new { room_id = roomId, status = "playing", position };

    private static bool At(System.Text.Json.JsonElement e, double position) =>
        e.GetProperty("playback_state").GetProperty("position").GetDouble() == position;

    [Fact]
    public async Task HubConnection_IsClosed_WhenItsTokenExpires()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;

        var shortLived = BackendJwts.Mint("short-lived-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow.AddSeconds(3), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var client = await RoomClient.ConnectAsync(Server.BaseAddress, shortLived);
        var closed = new TaskCompletionSource();
        client.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        (await client.JoinAsync(roomId)).AssertOk();
        (await hostClient.InvokeAsync("update_playback", Play(roomId, 1))).AssertOk();
        await client.WaitForAsync("playback_updated", match: e => At(e, 1));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);
        (await hostClient.InvokeAsync("update_playback", Play(roomId, 2))).AssertOk();
        Assert.DoesNotContain(client.EventsNamed("playback_updated"), e => At(e, 2));
    }

    /// <summary>
    /// Puts a removed connection back into this node's index of the room (and so its group), as if
    /// the grain's one-way removal had never arrived.
    /// </summary>
    private async Task LoseTheRemovalAsync(string roomId, RoomClient client)
    {
        var connections = Server.Services.GetRequiredService<LocalConnections>();
        // The removal is one-way and runs after the kicked message: let it land first (the host stays), then undo it.
        for (var i = 0; i < 100 && connections.CountIn(roomId) > 1; i++) await Task.Delay(20);
        Assert.Equal(1, connections.CountIn(roomId));
        Assert.True(await connections.AddAsync(roomId, client.Connection.ConnectionId!));
    }

    private Task RefreshAsync() => Server.Services.GetRequiredService<RoomSubscriptions>().RefreshAsync(CancellationToken.None);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KickedConnection_StopsReceivingEvents_AtTheNextResubscription_WhenItsRemovalWasLost(bool ban)
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Kicked");
        await using var ownedMember = memberClient;

        (await hostClient.InvokeAsync("kick_member", new { room_id = roomId, user_id = member.UserId, ban })).AssertOk();
        await memberClient.WaitForAsync("kicked");
        await LoseTheRemovalAsync(roomId, memberClient);
        (await hostClient.InvokeAsync("update_playback", Play(roomId, 1))).AssertOk();
        await memberClient.WaitForAsync("playback_updated", match: e => At(e, 1)); // the lost removal: it still hears the room

        await RefreshAsync();

        (await hostClient.InvokeAsync("update_playback", Play(roomId, 2))).AssertOk();
        await hostClient.WaitForAsync("playback_updated", match: e => At(e, 2));
        Assert.False(await memberClient.TryWaitForAsync("playback_updated", e => At(e, 2), TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task KickedConnection_NeverReceivesEventsAgain_EvenWhenItsUserRejoinsElsewhereAndTheNodeStillListsIt()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Kicked");
        await using var ownedMember = memberClient;

        (await hostClient.InvokeAsync("kick_member", new { room_id = roomId, user_id = member.UserId })).AssertOk();
        await memberClient.WaitForAsync("kicked");
        // Kicked without a ban, the user comes back over REST: a participant again, but that old
        // connection never called join_room again.
        Assert.True((await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", member, new { })).IsSuccessStatusCode);
        await LoseTheRemovalAsync(roomId, memberClient);
        await RefreshAsync();
        await RefreshAsync();

        (await hostClient.InvokeAsync("update_playback", Play(roomId, 3))).AssertOk();
        await hostClient.WaitForAsync("playback_updated", match: e => At(e, 3));
        Assert.False(await memberClient.TryWaitForAsync("playback_updated", e => At(e, 3), TimeSpan.FromMilliseconds(300)));

        // join_room brings the connection back.
        (await memberClient.JoinAsync(roomId)).AssertOk();
        (await hostClient.InvokeAsync("update_playback", Play(roomId, 4))).AssertOk();
        await memberClient.WaitForAsync("playback_updated", match: e => At(e, 4));
    }
}

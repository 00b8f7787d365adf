using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Realtime;

public sealed class RoomHubTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private async Task<(string RoomId, TestUser Host, RoomClient HostClient, TestUser[] Users, RoomClient[] Clients)> RoomWithMembersAsync(
        int members, object? createBody = null)
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host, createBody);
        var roomId = room.Str("room_id");
        var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var users = new TestUser[members];
        var clients = new RoomClient[members];
        for (var i = 0; i < members; i++)
        {
            users[i] = await Server.SignInAsync($"Member {i}");
            clients[i] = await Server.ConnectAsync(users[i]);
            (await clients[i].JoinAsync(roomId)).AssertOk();
        }
        return (roomId, host, hostClient, users, clients);
    }

    [Fact]
    public async Task UpdatePlayback_ReachesEveryMemberInOrder_WhenHostPlaysPausesAndSeeks()
    {
        var (roomId, host, hostClient, _, members) = await RoomWithMembersAsync(2);

        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 0.0 })).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 12.5 })).AssertOk();
        var seek = await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 600.0, rate = 1.5 });
        seek.AssertOk();
        Assert.Equal(3, seek.GetProperty("playback_state").Long("version"));

        foreach (var client in members.Append(hostClient))
        {
            var updates = await client.WaitForAsync("playback_updated", 3);
            Assert.Equal(["playing", "paused", "playing"], updates.Select(u => u.GetProperty("playback_state").Str("status")));
            Assert.Equal([1L, 2L, 3L], updates.Select(u => u.GetProperty("playback_state").Long("version")));
            var seqs = updates.Select(u => u.Long("seq")).ToList();
            Assert.Equal(seqs.OrderBy(s => s).Distinct(), seqs);
            Assert.All(updates, u => Assert.Equal(host.UserId, u.Str("by")));
            Assert.All(updates, u => Assert.Equal(roomId, u.Str("room_id")));
            Assert.Equal(1.5, updates[2].GetProperty("playback_state").GetProperty("rate").GetDouble());
            Assert.Equal(600.0, updates[2].GetProperty("playback_state").GetProperty("position").GetDouble());
        }
    }

    [Fact]
    public async Task Events_CarryTheContractFieldsOnly_WhenBroadcast()
    {
        var (roomId, _, hostClient, _, members) = await RoomWithMembersAsync(1);
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertOk();
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "hi" })).AssertOk();
        (await hostClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "🎉" })).AssertOk();

        var client = members[0];
        var playback = (await client.WaitForAsync("playback_updated")).Single();
        var chat = (await client.WaitForAsync("new_chat_message")).Single();
        var reaction = (await client.WaitForAsync("new_reaction")).Single();
        var joined = (await hostClient.WaitForAsync("user_joined")).Single();

        static IEnumerable<string> Fields(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["by", "playback_state", "room_id", "seq"], Fields(playback));
        Assert.Equal(["message", "room_id", "seq"], Fields(chat));
        Assert.Equal(["emoji", "room_id", "sent_at", "seq", "user_id"], Fields(reaction));
        Assert.Equal(["room_id", "seq", "user"], Fields(joined));
        Assert.All(client.Events.Concat(hostClient.Events), e => Assert.False(e.Payload.TryGetProperty("name", out _), $"{e.Name} has a name field"));
    }

    [Fact]
    public async Task UpdatePlayback_RefusedWithNotHost_WhenAMemberTries()
    {
        var (roomId, host, _, _, members) = await RoomWithMembersAsync(1);

        var ack = await members[0].InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 5.0 });

        ack.AssertError("not_host");
        var room = await Server.GetRoomAsync(host, roomId);
        Assert.Equal(0, room.GetProperty("playback_state").Long("version"));
        Assert.Equal("paused", room.GetProperty("playback_state").Str("status"));
    }

    [Fact]
    public async Task UpdatePlayback_RefusedWithStaleVersionAndCurrentState_WhenBaseVersionIsOld()
    {
        var (roomId, _, hostClient, _, _) = await RoomWithMembersAsync(0);
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0, base_version = 0 })).AssertOk();

        var stale = await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 2.0, base_version = 0 });

        stale.AssertError("stale_version");
        var current = stale.GetProperty("playback_state");
        Assert.Equal(1, current.Long("version"));
        Assert.Equal("playing", current.Str("status"));
    }

    [Fact]
    public async Task JoinRoom_NeedsThePassword_WhenRoomIsPrivate()
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host, new
        {
            name = "Secret", is_private = true, password = "  open sesame ",
            movie_source = new { type = "uploadLater" },
        });
        var roomId = room.Str("room_id");
        Assert.Equal("idle", room.GetProperty("playback_state").Str("status"));
        Assert.False(room.TryGetProperty("password", out _));
        Assert.DoesNotContain("password", room.GetRawText());
        var guest = await Server.SignInAsync("Guest");
        await using var client = await Server.ConnectAsync(guest);

        (await client.JoinAsync(roomId, "wrong")).AssertError("invalid_password");
        (await client.InvokeAsync("join_room", new { room_id = roomId })).AssertError("invalid_password");
        var ack = await client.JoinAsync(roomId, "open sesame");

        ack.AssertOk();
        Assert.Equal(roomId, ack.GetProperty("room").Str("room_id"));
        Assert.Equal(JsonValueKind.Array, ack.GetProperty("chat_history").ValueKind);
        var joined = (await client.WaitForAsync("room_joined")).Single();
        Assert.Equal(roomId, joined.Str("room_id"));
        Assert.Equal(joined.GetProperty("room").Long("seq"), joined.Long("seq"));
        Assert.Contains(joined.GetProperty("room").GetProperty("participants").EnumerateArray(), p => p.Str("user_id") == guest.UserId);
    }

    [Fact]
    public async Task JoinRoom_AnnouncesUserJoinedToOthersOnce_AndRejoinNeedsNoPassword()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host, new
        {
            name = "Private", is_private = true, password = "pw", movie_source = new { type = "uploadLater" },
        })).Str("room_id");
        await using var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var guest = await Server.SignInAsync("Guest");
        await using (var first = await Server.ConnectAsync(guest))
        {
            (await first.JoinAsync(roomId, "pw")).AssertOk();
            await first.WaitForAsync("room_joined");
            Assert.Empty(first.EventsNamed("user_joined"));
        }

        await using var second = await Server.ConnectAsync(guest);
        (await second.JoinAsync(roomId)).AssertOk();
        await second.WaitForAsync("room_joined");
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "barrier" })).AssertOk();
        await hostClient.WaitForAsync("new_chat_message");
        await second.WaitForAsync("new_chat_message");

        var joins = hostClient.EventsNamed("user_joined");
        Assert.Single(joins);
        Assert.Equal(guest.UserId, joins[0].GetProperty("user").Str("user_id"));
        Assert.Equal("member", joins[0].GetProperty("user").Str("role"));
    }

    [Fact]
    public async Task ChatAndReactions_ReachMembersOnly_AndNeverAnOutsider()
    {
        var (roomId, _, hostClient, users, members) = await RoomWithMembersAsync(2);
        var outsider = await Server.SignInAsync("Outsider");
        await using var outsiderClient = await Server.ConnectAsync(outsider);
        var otherRoom = (await Server.CreateRoomAsync(outsider)).Str("room_id");
        (await outsiderClient.JoinAsync(otherRoom)).AssertOk();

        var chat = await members[0].InvokeAsync("chat_message", new { room_id = roomId, text = "  hello 🎬  " });
        chat.AssertOk();
        Assert.Equal("hello 🎬", chat.GetProperty("message").Str("text"));
        (await members[1].InvokeAsync("reaction", new { room_id = roomId, emoji = "🍿" })).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 3.0 })).AssertOk();
        (await outsiderClient.InvokeAsync("chat_message", new { room_id = roomId, text = "let me in" })).AssertError("not_member");
        (await outsiderClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "👎" })).AssertError("not_member");

        foreach (var client in members.Append(hostClient))
        {
            var message = (await client.WaitForAsync("new_chat_message")).Single().GetProperty("message");
            Assert.Equal("hello 🎬", message.Str("text"));
            Assert.Equal(users[0].UserId, message.Str("user_id"));
            Assert.Equal("Member 0", message.Str("display_name"));
            var reaction = (await client.WaitForAsync("new_reaction")).Single();
            Assert.Equal("🍿", reaction.Str("emoji"));
            Assert.Equal(users[1].UserId, reaction.Str("user_id"));
            await client.WaitForAsync("playback_updated");
        }
        // The outsider's own room gets one event after all of the above; every event it saw must be its own room's.
        (await outsiderClient.InvokeAsync("chat_message", new { room_id = otherRoom, text = "mine" })).AssertOk();
        await outsiderClient.WaitForAsync("new_chat_message");
        await Task.Delay(200);
        Assert.All(outsiderClient.Events, e => Assert.Equal(otherRoom, e.Payload.Str("room_id")));
    }

    [Fact]
    public async Task ChatAndReactions_Refused_WhenDisabledInSettings()
    {
        var (roomId, _, hostClient, _, members) = await RoomWithMembersAsync(1, new
        {
            name = "Quiet", is_private = false, movie_source = new { type = "uploadLater" },
            settings = new { chat_enabled = false, reactions_enabled = false, max_participants = 10 },
        });

        (await members[0].InvokeAsync("chat_message", new { room_id = roomId, text = "hi" })).AssertError("chat_disabled");
        (await hostClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "🎉" })).AssertError("reactions_disabled");
        Assert.Empty(members[0].EventsNamed("new_chat_message"));
    }

    [Fact]
    public async Task JoinAck_CarriesChatHistory_OfTheRoom()
    {
        var (roomId, _, hostClient, _, _) = await RoomWithMembersAsync(0);
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "first" })).AssertOk();
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "second" })).AssertOk();
        var late = await Server.SignInAsync("Late");
        await using var client = await Server.ConnectAsync(late);

        var ack = await client.JoinAsync(roomId);

        Assert.Equal(["first", "second"], ack.GetProperty("chat_history").EnumerateArray().Select(m => m.Str("text")));
    }

    [Fact]
    public async Task Disconnect_MarksMemberNotConnected_AndBroadcastsOnlyPresenceChanged()
    {
        var (roomId, host, hostClient, users, members) = await RoomWithMembersAsync(1);
        var before = await Server.GetRoomAsync(host, roomId);
        Assert.True(before.GetProperty("participants").EnumerateArray().Single(p => p.Str("user_id") == users[0].UserId).GetProperty("connected").GetBoolean());

        await members[0].DisposeAsync();
        JsonElement member = default;
        for (var i = 0; i < 100; i++)
        {
            var room = await Server.GetRoomAsync(host, roomId);
            member = room.GetProperty("participants").EnumerateArray().Single(p => p.Str("user_id") == users[0].UserId);
            if (!member.GetProperty("connected").GetBoolean()) break;
            await Task.Delay(50);
        }

        Assert.False(member.GetProperty("connected").GetBoolean());
        var presence = (await hostClient.WaitForAsync("presence_changed")).Single();
        Assert.Equal(users[0].UserId, presence.Str("user_id"));
        Assert.False(presence.GetProperty("connected").GetBoolean());
        Assert.Equal(before.Long("seq") + 1, presence.Long("seq"));
        Assert.Equal(before.Long("seq") + 1, (await Server.GetRoomAsync(host, roomId)).Long("seq"));
        Assert.Empty(hostClient.EventsNamed("user_left"));
    }

    [Fact]
    public async Task LeaveRoom_BroadcastsUserLeft_AndHandsHostToLongestPresent()
    {
        var (roomId, host, hostClient, users, members) = await RoomWithMembersAsync(2);

        (await hostClient.InvokeAsync("leave_room", new { room_id = roomId })).AssertOk();

        var left = (await members[0].WaitForAsync("user_left")).Single();
        Assert.Equal(host.UserId, left.Str("user_id"));
        var updated = (await members[1].WaitForAsync("room_updated")).Single();
        Assert.Equal(users[0].UserId, updated.GetProperty("room").Str("host_id"));
        Assert.True(updated.Long("seq") > left.Long("seq"));
        (await members[0].InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertError("not_member");
    }

    [Fact]
    public async Task RestPlayback_ReachesHubMembers()
    {
        var (roomId, host, _, _, members) = await RoomWithMembersAsync(1);

        var response = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host,
            new { status = "playing", position = 42.0, rate = 1.0 });

        response.EnsureSuccessStatusCode();
        var update = (await members[0].WaitForAsync("playback_updated")).Single();
        Assert.Equal(42.0, update.GetProperty("playback_state").GetProperty("position").GetDouble());
        Assert.Equal(host.UserId, update.Str("by"));
    }

    [Fact]
    public async Task CloseRoom_BroadcastsRoomClosed_AndRefusesJoins()
    {
        var (roomId, host, _, _, members) = await RoomWithMembersAsync(1);

        var response = await Server.SendAsync(HttpMethod.Delete, $"/api/rooms/{roomId}", host);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await members[0].WaitForAsync("room_closed");
        Assert.False((await Server.GetRoomAsync(host, roomId)).GetProperty("is_active").GetBoolean());
        var newcomer = await Server.SignInAsync("Newcomer");
        await using var client = await Server.ConnectAsync(newcomer);
        (await client.JoinAsync(roomId)).AssertError("room_closed");
        var join = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", newcomer, new { });
        Assert.Equal(HttpStatusCode.Gone, join.StatusCode);
        Assert.Equal("room_closed", (await join.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }

    [Fact]
    public async Task RestJoin_MakesTheSameParticipant_AsHubJoin()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        var guest = await Server.SignInAsync("Guest");
        var rest = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { });
        rest.EnsureSuccessStatusCode();
        await using var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        await using var guestClient = await Server.ConnectAsync(guest);

        var ack = await guestClient.JoinAsync(roomId);

        ack.AssertOk();
        Assert.Equal(2, ack.GetProperty("room").GetProperty("participants").GetArrayLength());
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "barrier" })).AssertOk();
        await guestClient.WaitForAsync("new_chat_message");
        Assert.Empty(hostClient.EventsNamed("user_joined"));
    }

    [Fact]
    public async Task SyncTime_ReturnsServerTimes()
    {
        var user = await Server.SignInAsync("Clock");
        await using var client = await Server.ConnectAsync(user);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var ack = await client.InvokeAsync("sync_time", new { client_time = 1234.5 });

        ack.AssertOk();
        Assert.Equal(1234.5, ack.GetProperty("client_time").GetDouble());
        var receivedAt = ack.Long("server_receive_at");
        Assert.InRange(receivedAt, before - 1000, before + 10_000);
        Assert.True(ack.Long("server_send_at") >= receivedAt);
    }

    [Fact]
    public async Task Connect_IsRefused_WithoutAValidToken()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => RoomClient.ConnectAsync(Server.BaseAddress, null));
        await Assert.ThrowsAnyAsync<Exception>(() => RoomClient.ConnectAsync(Server.BaseAddress, "not-a-jwt"));
    }
}

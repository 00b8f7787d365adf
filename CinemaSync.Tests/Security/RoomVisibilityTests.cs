using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Security;

/// <summary>A room's video, people, queue, playback and chat reach its participants only.</summary>
public sealed class RoomVisibilityTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] PreviewFields = ["room_id", "name", "is_private", "is_active", "participant_count"];
    private static readonly string[] AckFailureFields = ["ok", "error", "message"];

    private TestServer Server => fixture.Server;

    private async Task<(string RoomId, TestUser Host, RoomClient HostClient)> PrivateRoomAsync()
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host, new
        {
            name = "Secret screening",
            is_private = true,
            password = "right horse",
            movie_source = new { type = "directLink", url = "https://videos.test/secret.mp4" },
        });
        var roomId = room.Str("room_id");
        var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        (await hostClient.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "directLink", url = "https://videos.test/next.mp4" } })).AssertOk();
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "only for us" })).AssertOk();
        return (roomId, host, hostClient);
    }

    private static void AssertPreviewOnly(JsonElement body, string roomId, bool isPrivate, int participants)
    {
        Assert.Equal(PreviewFields.Order(), body.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(roomId, body.Str("room_id"));
        Assert.Equal(isPrivate, body.GetProperty("is_private").GetBoolean());
        Assert.True(body.GetProperty("is_active").GetBoolean());
        Assert.Equal(participants, body.GetProperty("participant_count").GetInt32());
    }

    [Fact]
    public async Task GetRoom_ReturnsOnlyThePreview_WhenCallerFailedThePassword()
    {
        var (roomId, _, hostClient) = await PrivateRoomAsync();
        await using var ownedHost = hostClient;
        var stranger = await Server.SignInAsync("Stranger");
        var wrong = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", stranger, new { password = "guess" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        var response = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}", stranger);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        AssertPreviewOnly(body, roomId, isPrivate: true, participants: 1);
        var raw = body.GetRawText();
        Assert.DoesNotContain("secret.mp4", raw);
        Assert.DoesNotContain("Host", raw);
    }

    [Fact]
    public async Task GetRoom_ReturnsOnlyThePreview_WhenCallerWasBanned()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Soon banned");
        await using var ownedMember = memberClient;
        Assert.True((await Server.GetRoomAsync(member, roomId)).TryGetProperty("participants", out _));

        (await hostClient.InvokeAsync("kick_member", new { room_id = roomId, user_id = member.UserId, ban = true })).AssertOk();

        AssertPreviewOnly(await Server.GetRoomAsync(member, roomId), roomId, isPrivate: false, participants: 1);
        var mine = await Server.Http.SendAsync(Server.Request(HttpMethod.Get, "/api/rooms/mine", member));
        Assert.Empty((await mine.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rooms").EnumerateArray());
    }

    [Fact]
    public async Task GetRoom_ReturnsTheFullRoom_WhenCallerIsAParticipant()
    {
        var (roomId, host, hostClient) = await PrivateRoomAsync();
        await using var ownedHost = hostClient;
        var guest = await Server.SignInAsync("Guest");
        var joined = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { password = "right horse" });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);

        foreach (var user in new[] { host, guest })
        {
            var room = await Server.GetRoomAsync(user, roomId);
            Assert.Equal(2, room.GetProperty("participants").GetArrayLength());
            Assert.Equal("https://videos.test/secret.mp4", room.GetProperty("movie_source").Str("url"));
            Assert.Equal(1, room.GetProperty("queue").GetArrayLength());
            Assert.True(room.TryGetProperty("playback_state", out _));
            var mine = await (await Server.SendAsync(HttpMethod.Get, "/api/rooms/mine", user)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(mine.GetProperty("rooms").EnumerateArray(), r => r.Str("room_id") == roomId && r.TryGetProperty("participants", out _));
        }
    }

    [Fact]
    public async Task Mine_ListsNoneOfAnotherUsersRooms()
    {
        var (roomId, _, hostClient) = await PrivateRoomAsync();
        await using var ownedHost = hostClient;
        var stranger = await Server.SignInAsync("Stranger");
        var mine = await (await Server.SendAsync(HttpMethod.Get, "/api/rooms/mine", stranger)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(mine.GetProperty("rooms").EnumerateArray(), r => r.Str("room_id") == roomId);
    }

    /// <summary>Every hub method and room route a non-participant can call: refusals only, and no room events.</summary>
    [Fact]
    public async Task EveryRoute_RevealsNothingOfAPrivateRoom_ToANonParticipant()
    {
        var (roomId, host, hostClient) = await PrivateRoomAsync();
        await using var ownedHost = hostClient;
        var stranger = await Server.SignInAsync("Stranger");
        await using var strangerClient = await Server.ConnectAsync(stranger);

        var source = new { type = "directLink", url = "https://videos.test/x.mp4" };
        var calls = new (string Method, object Payload)[]
        {
            ("join_room", new { room_id = roomId, password = "guess" }),
            ("join_room", new { room_id = roomId }),
            ("join_room", new { room_id = roomId, last_seq = 0 }),
            ("join_room", new { room_id = roomId, invite = "forged.invite" }),
            ("leave_room", new { room_id = roomId }),
            ("update_playback", new { room_id = roomId, status = "playing", position = 1.0, base_version = 99 }),
            ("update_playback", new { room_id = roomId, status = "playing", position = 1.0 }),
            ("chat_message", new { room_id = roomId, text = "hello?" }),
            ("reaction", new { room_id = roomId, emoji = "x" }),
            ("report_status", new { room_id = roomId, state = "buffering", position = 0.0 }),
            ("report_status", new { room_id = roomId, state = "ended", position = 0.0 }),
            ("set_role", new { room_id = roomId, user_id = host.UserId, role = "member" }),
            ("transfer_host", new { room_id = roomId, user_id = stranger.UserId }),
            ("kick_member", new { room_id = roomId, user_id = host.UserId, ban = true }),
            ("update_settings", new { room_id = roomId, settings = new { chat_enabled = false } }),
            ("queue_add", new { room_id = roomId, movie_source = source }),
            ("queue_remove", new { room_id = roomId, item_id = "nope" }),
            ("queue_move", new { room_id = roomId, item_id = "nope", index = 0 }),
            ("play_next", new { room_id = roomId }),
        };
        foreach (var (method, payload) in calls)
        {
            var ack = await strangerClient.InvokeAsync(method, payload);
            Assert.False(ack.GetProperty("ok").GetBoolean(), $"{method} was accepted: {ack}");
            Assert.Equal(AckFailureFields.Order(), ack.EnumerateObject().Select(p => p.Name).Order());
            Assert.DoesNotContain("secret.mp4", ack.GetRawText());
        }

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Post, $"/api/rooms/{roomId}/playback", new { status = "playing", position = 1.0, base_version = 99 }),
                     (HttpMethod.Put, $"/api/rooms/{roomId}/video", new { url = "https://videos.test/y.mp4" }),
                     (HttpMethod.Post, $"/api/rooms/{roomId}/invites", new { }),
                     (HttpMethod.Get, $"/api/rooms/{roomId}/stream-url", null),
                     (HttpMethod.Delete, $"/api/rooms/{roomId}", null),
                     (HttpMethod.Post, $"/api/rooms/{roomId}/leave", null),
                 })
        {
            var response = await Server.SendAsync(method, path, stranger, body);
            Assert.False(response.IsSuccessStatusCode, $"{method} {path} answered {response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("secret.mp4", text);
            Assert.DoesNotContain("playback_state", text);
            Assert.DoesNotContain("participants", text);
        }

        // The members keep talking; the stranger's connection hears none of it.
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 3.0 })).AssertOk();
        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "still private" })).AssertOk();
        await hostClient.WaitForAsync("new_chat_message", match: e => e.GetProperty("message").Str("text") == "still private");
        Assert.False(await strangerClient.TryWaitForAsync("new_chat_message", _ => true, TimeSpan.FromMilliseconds(300)));
        Assert.Empty(strangerClient.Events);
    }
}

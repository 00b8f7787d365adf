using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Rest;

public sealed class RoomsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Create_Returns201WithTheContractShape_AndCreatorAsHost()
    {
        var host = await Server.SignInAsync("Ana");

        var response = await Server.SendAsync(HttpMethod.Post, "/api/rooms", host, new
        {
            name = "  Friday  ", is_private = false,
            movie_source = new { type = "directLink", url = "https://videos.test/friday.mp4" },
            settings = new { chat_enabled = true, reactions_enabled = false, max_participants = 8 },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var room = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/rooms/{room.Str("room_id")}", response.Headers.Location?.ToString());
        Assert.Matches("^[A-Za-z0-9_-]{6,}$", room.Str("room_id"));
        Assert.Equal("Friday", room.Str("name"));
        Assert.Equal(host.UserId, room.Str("host_id"));
        Assert.True(room.GetProperty("is_active").GetBoolean());
        Assert.Equal(["room_id", "name", "host_id", "is_private", "is_active", "created_at", "movie_source", "settings", "participants", "playback_state", "seq", "queue"],
            room.EnumerateObject().Select(p => p.Name));
        Assert.Equal("directLink", room.GetProperty("movie_source").Str("type"));
        Assert.Equal("https://videos.test/friday.mp4", room.GetProperty("movie_source").Str("url"));
        Assert.Equal(8, room.GetProperty("settings").GetProperty("max_participants").GetInt32());
        Assert.False(room.GetProperty("settings").GetProperty("reactions_enabled").GetBoolean());
        var participant = room.GetProperty("participants").EnumerateArray().Single();
        Assert.Equal(["user_id", "display_name", "role", "connected", "sync"], participant.EnumerateObject().Select(p => p.Name));
        Assert.Equal("host", participant.Str("role"));
        Assert.Equal("Ana", participant.Str("display_name"));
        var playback = room.GetProperty("playback_state");
        Assert.Equal(["status", "position", "rate", "updated_at", "version"], playback.EnumerateObject().Select(p => p.Name));
        Assert.Equal("paused", playback.Str("status"));
        Assert.Equal(0, room.Long("seq"));
    }

    [Fact]
    public async Task Get_Answers404RoomNotFound_ForUnknownRoom()
    {
        var user = await Server.SignInAsync("Ana");
        var response = await Server.SendAsync(HttpMethod.Get, "/api/rooms/doesNotExist", user);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("room_not_found", (await ProblemOf(response)).Str("error"));
    }

    [Fact]
    public async Task Endpoints_Answer401Problem_WithoutToken()
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/rooms/mine", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await ProblemOf(response)).Str("error"));
        var forged = await Server.SendAsync(HttpMethod.Get, "/api/auth/me", new TestUser("x", "x", "eyJhbGciOiJub25lIn0.e30."));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task Join_WrongPassword_Answers403InvalidPassword_AndRightOneJoins()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host, new { name = "P", is_private = true, password = "pw", movie_source = new { type = "uploadLater" } })).Str("room_id");
        var guest = await Server.SignInAsync("Guest");

        var wrong = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { password = "nope" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var problem = await ProblemOf(wrong);
        Assert.Equal("invalid_password", problem.Str("error"));

        var right = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { password = " pw " });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var room = await right.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, room.GetProperty("participants").GetArrayLength());
    }

    [Fact]
    public async Task Join_Answers409RoomFull_WhenAtMaxParticipants()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host, new { name = "Tiny", movie_source = new { type = "uploadLater" }, settings = new { max_participants = 2 } })).Str("room_id");
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", await Server.SignInAsync("Two"), new { })).EnsureSuccessStatusCode();

        var third = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", await Server.SignInAsync("Three"), new { });

        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal("room_full", (await ProblemOf(third)).Str("error"));
    }

    [Fact]
    public async Task Playback_IsHostOnly_AndRefusesStaleVersionWith409()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        var guest = await Server.SignInAsync("Guest");
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { })).EnsureSuccessStatusCode();

        var byGuest = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", guest, new { status = "playing", position = 1.0 });
        Assert.Equal(HttpStatusCode.Forbidden, byGuest.StatusCode);
        Assert.Equal("not_host", (await ProblemOf(byGuest)).Str("error"));

        var ok = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, new { status = "playing", position = 1.0, base_version = 0 });
        var state = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, state.Long("version"));

        var stale = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, new { status = "paused", position = 1.0, base_version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await ProblemOf(stale);
        Assert.Equal("stale_version", problem.Str("error"));
        Assert.Equal(1, problem.GetProperty("playback_state").Long("version"));
    }

    [Fact]
    public async Task SetVideo_ResetsPlaybackToPausedAtZero_AndIsHostOnly()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host, new { name = "Later", movie_source = new { type = "uploadLater" } })).Str("room_id");
        var guest = await Server.SignInAsync("Guest");
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", guest, new { })).EnsureSuccessStatusCode();

        var refused = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", guest, new { url = "https://v.test/a.mp4" });
        Assert.Equal("not_host", (await ProblemOf(refused)).Str("error"));

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { url = "https://v.test/a.mp4" });
        response.EnsureSuccessStatusCode();
        var room = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("directLink", room.GetProperty("movie_source").Str("type"));
        Assert.Equal("https://v.test/a.mp4", room.GetProperty("movie_source").Str("url"));
        Assert.Equal("paused", room.GetProperty("playback_state").Str("status"));
        Assert.Equal(0, room.GetProperty("playback_state").GetProperty("position").GetDouble());
        Assert.Equal(1, room.GetProperty("playback_state").Long("version"));

        // A Drive file is checked against Drive first (Drive/RoomVideoTests): without the host's Google link, or
        // without a service account on this server, nothing is stored.
        var drive = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = "abc123", owner = "user" });
        Assert.Equal("google_not_connected", (await ProblemOf(drive)).Str("error"));
        var service = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = "abc123", owner = "service" });
        Assert.Equal("not_configured", (await ProblemOf(service)).Str("error"));
        Assert.Equal("directLink", (await Server.GetRoomAsync(host, roomId)).GetProperty("movie_source").Str("type"));
    }

    [Fact]
    public async Task Mine_ListsHostedAndJoinedRooms_MostRecentActivityFirst_WithoutLeftOnes()
    {
        var me = await Server.SignInAsync("Me");
        var other = await Server.SignInAsync("Other");
        var hosted = (await Server.CreateRoomAsync(me)).Str("room_id");
        var joined = (await Server.CreateRoomAsync(other)).Str("room_id");
        var left = (await Server.CreateRoomAsync(other)).Str("room_id");
        var closed = (await Server.CreateRoomAsync(me)).Str("room_id");
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{joined}/join", me, new { })).EnsureSuccessStatusCode();
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{left}/join", me, new { })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{left}/leave", me)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/api/rooms/{closed}", me)).StatusCode);
        await Task.Delay(5);
        (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{hosted}/playback", me, new { status = "playing", position = 0 })).EnsureSuccessStatusCode();

        var response = await Server.SendAsync(HttpMethod.Get, "/api/rooms/mine", me);

        var rooms = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rooms").EnumerateArray().ToList();
        Assert.Equal([hosted, closed, joined], rooms.Select(r => r.Str("room_id")));
        Assert.False(rooms[1].GetProperty("is_active").GetBoolean());
    }

    [Fact]
    public async Task LeaveAndClose_AreRefused_ForNonMembersAndNonHosts()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        var stranger = await Server.SignInAsync("Stranger");

        var leave = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/leave", stranger);
        Assert.Equal(HttpStatusCode.Forbidden, leave.StatusCode);
        Assert.Equal("not_member", (await ProblemOf(leave)).Str("error"));
        var close = await Server.SendAsync(HttpMethod.Delete, $"/api/rooms/{roomId}", stranger);
        Assert.Equal("not_host", (await ProblemOf(close)).Str("error"));
    }

    [Fact]
    public async Task AuthMe_ReturnsTheTokenUser()
    {
        var user = await Server.SignInAsync("Zoë");
        var response = await Server.SendAsync(HttpMethod.Get, "/api/auth/me", user);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user.UserId, me.Str("user_id"));
        Assert.Equal("Zoë", me.Str("display_name"));
    }

    [Fact]
    public async Task Health_ReportsStorageClusterAndVersion()
    {
        var health = await Server.Http.GetFromJsonAsync<JsonElement>("/api/health");
        Assert.Equal("ok", health.Str("status"));
        Assert.Equal("sqlite", health.Str("storage"));
        Assert.Equal("single-process", health.Str("cluster"));
        Assert.False(string.IsNullOrEmpty(health.Str("version")));
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheRoomsApi()
    {
        var document = await Server.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/rooms/{roomId}/playback", document);
    }
}

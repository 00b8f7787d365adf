using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Security;

/// <summary>
/// What a user or a room can make the server keep is bounded, each refusal a clear error. The
/// fixture sets small bounds: 3 rooms created per hour, 3 rooms listed, 2 bans, 2 live invites,
/// 2 queue items, health probed at most every 30 s.
/// </summary>
public sealed class GrowthLimitTests(ManualClockServerFixture fixture) : IClassFixture<ManualClockServerFixture>
{
    private TestServer Server => fixture.Server;

    private static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("error", out var e) ? e.GetString() : null;

    [Fact]
    public async Task CreateRoom_Answers429RateLimited_PastTheUsersLimitPerHour_UntilTheHourPasses()
    {
        var user = await Server.SignInAsync("Prolific");
        for (var i = 0; i < 3; i++) await Server.CreateRoomAsync(user);

        var refused = await Server.SendAsync(HttpMethod.Post, "/api/rooms", user, new { name = "One more" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limited", await ErrorOf(refused));
        // Counted per user: someone else still creates.
        await Server.CreateRoomAsync(await Server.SignInAsync("Other"));

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Server.CreateRoomAsync(user);
    }

    [Fact]
    public async Task KickWithBan_AnswersLimitReached_WhenTheBanListIsFull()
    {
        var (roomId, _, host) = await Server.HostedRoomAsync();
        await using var ownedHost = host;
        (await host.InvokeAsync("kick_member", new { room_id = roomId, user_id = "troll-1", ban = true })).AssertOk();
        (await host.InvokeAsync("kick_member", new { room_id = roomId, user_id = "troll-2", ban = true })).AssertOk();
        (await host.InvokeAsync("kick_member", new { room_id = roomId, user_id = "troll-3", ban = true })).AssertError("limit_reached");

        // A member can still be kicked without a ban, and the banned stay banned.
        var member = await Server.SignInAsync("Member");
        await using var memberClient = await Server.ConnectAsync(member);
        (await memberClient.JoinAsync(roomId)).AssertOk();
        (await host.InvokeAsync("kick_member", new { room_id = roomId, user_id = member.UserId, ban = true })).AssertError("limit_reached");
        (await host.InvokeAsync("kick_member", new { room_id = roomId, user_id = member.UserId })).AssertOk();
    }

    [Fact]
    public async Task CreateInvite_Answers409LimitReached_WhileTheRoomHasTooManyLiveInvites()
    {
        var (roomId, host, client) = await Server.HostedRoomAsync();
        await using var ownedClient = client;
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", host, new { expires_in_minutes = 5 })).StatusCode);

        var refused = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", host, new { expires_in_minutes = 5 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("limit_reached", await ErrorOf(refused));

        fixture.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", host, new { })).StatusCode);
    }

    [Fact]
    public async Task QueueAdd_AnswersLimitReached_WhenTheQueueIsFull()
    {
        var (roomId, _, host) = await Server.HostedRoomAsync();
        await using var ownedHost = host;
        object Add(int i) => new { room_id = roomId, movie_source = new { type = "directLink", url = $"https://videos.test/{i}.mp4" } };
        (await host.InvokeAsync("queue_add", Add(1))).AssertOk();
        (await host.InvokeAsync("queue_add", Add(2))).AssertOk();
        (await host.InvokeAsync("queue_add", Add(3))).AssertError("limit_reached");
        (await host.InvokeAsync("play_next", new { room_id = roomId })).AssertOk();
        (await host.InvokeAsync("queue_add", Add(3))).AssertOk();
    }

    [Fact]
    public async Task Mine_KeepsOnlyTheMostRecentRooms_WhenAUserJoinedMoreThanTheLimit()
    {
        var host = await Server.SignInAsync("Host of many");
        var owners = new[] { host, await Server.SignInAsync("Host 2") };
        var roomIds = new List<string>();
        for (var i = 0; i < 5; i++) roomIds.Add((await Server.CreateRoomAsync(owners[i / 3])).Str("room_id"));
        var user = await Server.SignInAsync("Joiner");
        foreach (var roomId in roomIds)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", user, new { })).StatusCode);
        }

        var mine = await (await Server.SendAsync(HttpMethod.Get, "/api/rooms/mine", user)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(roomIds.TakeLast(3).Order(), mine.GetProperty("rooms").EnumerateArray().Select(r => r.Str("room_id")).Order());
    }

    [Fact]
    public async Task Health_ProbesTheStoreOnce_ForManyAnonymousRequestsWithinTheCacheTime()
    {
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var before = fixture.Probe.Count;
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Server.Http.GetAsync(i % 2 == 0 ? "/api/health" : "/health/ready")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(before + 1, fixture.Probe.Count);

        fixture.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.GetAsync("/api/health")).StatusCode);
        Assert.Equal(before + 2, fixture.Probe.Count);
    }
}

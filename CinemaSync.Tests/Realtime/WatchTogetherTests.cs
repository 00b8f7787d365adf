using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Realtime;

/// <summary>The extensions: scheduled starts, buffering, sync health, roles, kick/ban, invites, resume, queue.</summary>
public sealed class WatchTogetherTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed record Member(TestUser User, RoomClient Client);

    private async Task<(string RoomId, Member Host, Member[] Members)> RoomAsync(int members, object? settings = null, bool isPrivate = false)
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host, new
        {
            name = "Together", is_private = isPrivate, password = isPrivate ? "pw" : null,
            movie_source = new { type = "directLink", url = "https://v.test/m.mp4" },
            settings = settings ?? new { },
        })).Str("room_id");
        var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var list = new Member[members];
        for (var i = 0; i < members; i++)
        {
            var user = await Server.SignInAsync($"Member {i}");
            var client = await Server.ConnectAsync(user);
            (await client.JoinAsync(roomId, isPrivate ? "pw" : null)).AssertOk();
            list[i] = new Member(user, client);
        }
        return (roomId, new Member(host, hostClient), list);
    }

    private static Task<JsonElement> Play(RoomClient client, string roomId, double position = 0) =>
        client.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position });

    [Fact]
    public async Task Play_IsScheduledTwiceTheSlowestRttAhead_WhenMembersReportRtts()
    {
        var (roomId, host, members) = await RoomAsync(2);
        (await members[0].Client.InvokeAsync("sync_time", new { client_time = 1, rtt_ms = 20 })).AssertOk();
        (await members[1].Client.InvokeAsync("sync_time", new { client_time = 1, rtt_ms = 200 })).AssertOk();

        var sentAt = NowMs;
        var ack = await Play(host.Client, roomId, 30);

        ack.AssertOk();
        var updatedAt = ack.GetProperty("playback_state").Long("updated_at");
        Assert.True(updatedAt >= sentAt + 400, $"start scheduled {updatedAt - sentAt} ms ahead, expected ≥ 400");
        Assert.True(updatedAt <= NowMs + 400 + 50);
        var received = (await members[0].Client.WaitForAsync("playback_updated")).Single().GetProperty("playback_state");
        Assert.Equal(updatedAt, received.Long("updated_at"));
    }

    [Fact]
    public async Task Play_IsScheduledAtLeast100MsAhead_AndAPauseIsNot()
    {
        var (roomId, host, _) = await RoomAsync(1);

        var sentAt = NowMs;
        var play = await Play(host.Client, roomId);
        var pause = await host.Client.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 1.0 });

        Assert.InRange(play.GetProperty("playback_state").Long("updated_at") - sentAt, 100, 1000);
        Assert.True(pause.GetProperty("playback_state").Long("updated_at") <= NowMs);
    }

    [Fact]
    public async Task ScheduledStart_SpreadAcrossTenMembers_IsMeasured()
    {
        var (roomId, host, members) = await RoomAsync(9);
        var all = members.Select(m => m.Client).Append(host.Client).ToList();
        var offsets = new List<double>();
        foreach (var client in all)
        {
            // The reference client's clock sync: the sample with the least RTT of 8.
            var best = (Rtt: double.MaxValue, Offset: 0.0);
            for (var i = 0; i < 8; i++)
            {
                var sent = NowMs;
                var ack = await client.InvokeAsync("sync_time", new { client_time = sent, rtt_ms = best.Rtt < double.MaxValue ? (int)best.Rtt : (int?)null });
                var received = NowMs;
                var server = (ack.Long("server_receive_at") + ack.Long("server_send_at")) / 2.0;
                if (received - sent < best.Rtt) best = (received - sent, server - (sent + received) / 2.0);
            }
            offsets.Add(best.Offset);
        }

        (await Play(host.Client, roomId, 10)).AssertOk();
        var starts = new List<double>();
        for (var i = 0; i < all.Count; i++)
        {
            var state = (await all[i].WaitForAsync("playback_updated")).Single().GetProperty("playback_state");
            starts.Add(state.Long("updated_at") - offsets[i]);
        }

        var spread = starts.Max() - starts.Min();
        output.WriteLine($"scheduled-start spread across {all.Count} members: {spread:F2} ms (local start instants)");
        Assert.True(spread < 50, $"spread {spread} ms");
    }

    [Fact]
    public async Task Buffering_PausesEveryone_AndAllReadyResumesWithAScheduledStart()
    {
        var (roomId, host, members) = await RoomAsync(2);
        (await Play(host.Client, roomId, 5)).AssertOk();

        (await members[0].Client.InvokeAsync("report_status", new { room_id = roomId, state = "buffering", position = 5.0 })).AssertOk();
        var waiting = (await members[1].Client.WaitForAsync("playback_updated", 2)).Last();
        Assert.Equal("waiting", waiting.GetProperty("playback_state").Str("status"));
        Assert.Equal(2, waiting.GetProperty("playback_state").Long("version"));

        var readyAt = NowMs;
        (await members[0].Client.InvokeAsync("report_status", new { room_id = roomId, state = "ready", position = 5.0 })).AssertOk();
        var resumed = (await members[1].Client.WaitForAsync("playback_updated", 3)).Last();
        Assert.Equal("playing", resumed.GetProperty("playback_state").Str("status"));
        Assert.Equal(3, resumed.GetProperty("playback_state").Long("version"));
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("by").ValueKind);
        Assert.True(resumed.GetProperty("playback_state").Long("updated_at") >= readyAt + 100, "the resume is a scheduled start");
    }

    [Fact]
    public async Task Buffering_TimesOut_ResumesEveryone_AndTheLateMemberCannotHoldTheRoomAgain()
    {
        var (roomId, host, members) = await RoomAsync(1, new { buffer_timeout_ms = 1000 });
        (await Play(host.Client, roomId)).AssertOk();

        (await members[0].Client.InvokeAsync("report_status", new { room_id = roomId, state = "buffering", position = 0.0 })).AssertOk();
        var updates = await host.Client.WaitForAsync("playback_updated", 3);

        Assert.Equal(["playing", "waiting", "playing"], updates.Select(u => u.GetProperty("playback_state").Str("status")));
        Assert.Equal(JsonValueKind.Null, updates[2].GetProperty("by").ValueKind);
        var room = await Server.GetRoomAsync(host.User, roomId);
        var late = room.GetProperty("participants").EnumerateArray().Single(p => p.Str("user_id") == members[0].User.UserId);
        Assert.Equal("catching_up", late.GetProperty("sync").Str("status"));

        (await members[0].Client.InvokeAsync("report_status", new { room_id = roomId, state = "buffering", position = 1.0 })).AssertOk();
        (await host.Client.InvokeAsync("chat_message", new { room_id = roomId, text = "barrier" })).AssertOk();
        await host.Client.WaitForAsync("new_chat_message");
        Assert.Equal(3, host.Client.EventsNamed("playback_updated").Count);
    }

    [Fact]
    public async Task MemberStatus_ReachesHostOnly_WithDrift()
    {
        var (roomId, host, members) = await RoomAsync(2);
        (await Play(host.Client, roomId, 100)).AssertOk();
        await Task.Delay(300);

        (await members[0].Client.InvokeAsync("report_status", new { room_id = roomId, state = "ready", position = 50.0, rtt_ms = 30 })).AssertOk();

        var status = (await host.Client.WaitForAsync("member_status", match: s =>
            s.GetProperty("members").EnumerateArray().Any(m => m.Str("user_id") == members[0].User.UserId && m.GetProperty("rtt_ms").GetInt32() == 30))).Last();
        var entry = status.GetProperty("members").EnumerateArray().Single(m => m.Str("user_id") == members[0].User.UserId);
        Assert.InRange(entry.GetProperty("drift_ms").GetDouble(), -51_000, -49_000);
        Assert.Equal("ok", entry.Str("status"));
        Assert.Empty(members[1].Client.EventsNamed("member_status"));
    }

    [Fact]
    public async Task Roles_CoHostControlsPlaybackButNotRolesOrOtherCoHosts()
    {
        var (roomId, host, members) = await RoomAsync(3);
        (await members[0].Client.InvokeAsync("set_role", new { room_id = roomId, user_id = members[1].User.UserId, role = "co_host" })).AssertError("not_host");
        (await host.Client.InvokeAsync("set_role", new { room_id = roomId, user_id = members[0].User.UserId, role = "co_host" })).AssertOk();
        (await host.Client.InvokeAsync("set_role", new { room_id = roomId, user_id = members[1].User.UserId, role = "co_host" })).AssertOk();

        var changed = await members[2].Client.WaitForAsync("role_changed", 2);
        Assert.Equal("co_host", changed[0].Str("role"));
        (await Play(members[0].Client, roomId, 3)).AssertOk();
        (await members[0].Client.InvokeAsync("kick_member", new { room_id = roomId, user_id = members[1].User.UserId })).AssertError("forbidden");
        (await members[0].Client.InvokeAsync("kick_member", new { room_id = roomId, user_id = host.User.UserId })).AssertError("forbidden");
        (await members[0].Client.InvokeAsync("update_settings", new { room_id = roomId, settings = new { chat_enabled = false } })).AssertError("not_host");
        (await Play(members[2].Client, roomId)).AssertError("not_host");
    }

    [Fact]
    public async Task TransferHost_MakesOldHostCoHost_AndAnnouncesIt()
    {
        var (roomId, host, members) = await RoomAsync(1);

        (await host.Client.InvokeAsync("transfer_host", new { room_id = roomId, user_id = members[0].User.UserId })).AssertOk();

        var changed = (await members[0].Client.WaitForAsync("host_changed")).Single();
        Assert.Equal(members[0].User.UserId, changed.Str("host_id"));
        Assert.Equal(host.User.UserId, changed.Str("by"));
        var updated = (await members[0].Client.WaitForAsync("room_updated")).Single();
        var roles = updated.GetProperty("room").GetProperty("participants").EnumerateArray().ToDictionary(p => p.Str("user_id"), p => p.Str("role"));
        Assert.Equal("co_host", roles[host.User.UserId]);
        Assert.Equal("host", roles[members[0].User.UserId]);
        (await host.Client.InvokeAsync("update_settings", new { room_id = roomId, settings = new { chat_enabled = false } })).AssertError("not_host");
    }

    [Fact]
    public async Task Kick_WithBan_RemovesTheMember_AndBlocksRejoinEvenByInvite()
    {
        var (roomId, host, members) = await RoomAsync(2, isPrivate: true);

        (await host.Client.InvokeAsync("kick_member", new { room_id = roomId, user_id = members[0].User.UserId, ban = true })).AssertOk();

        var kicked = (await members[0].Client.WaitForAsync("kicked")).Single();
        Assert.True(kicked.GetProperty("banned").GetBoolean());
        Assert.Equal(members[0].User.UserId, (await members[1].Client.WaitForAsync("user_left")).Single().Str("user_id"));
        var invite = await (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", host.User, new { })).Content.ReadFromJsonAsync<JsonElement>();
        (await members[0].Client.InvokeAsync("join_room", new { room_id = roomId, invite = invite.Str("invite") })).AssertError("banned");
        (await members[0].Client.JoinAsync(roomId, "pw")).AssertError("banned");
        (await host.Client.InvokeAsync("chat_message", new { room_id = roomId, text = "after the kick" })).AssertOk();
        await members[1].Client.WaitForAsync("new_chat_message");
        Assert.Empty(members[0].Client.EventsNamed("new_chat_message"));
    }

    [Fact]
    public async Task Invite_JoinsAPrivateRoomWithoutPassword_AndAForgedOneIsRefused()
    {
        var (roomId, host, _) = await RoomAsync(0, isPrivate: true);
        var response = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", host.User, new { });
        var invite = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(invite.Long("expires_at") > NowMs);
        Assert.Contains($"room={roomId}", invite.Str("url"));
        var guest = await Server.SignInAsync("Guest");
        await using var client = await Server.ConnectAsync(guest);

        (await client.InvokeAsync("join_room", new { room_id = roomId, invite = invite.Str("invite") + "x" })).AssertError("invalid_invite");
        var otherRoom = (await Server.CreateRoomAsync(host.User)).Str("room_id");
        (await client.InvokeAsync("join_room", new { room_id = otherRoom, invite = invite.Str("invite") })).AssertError("invalid_invite");
        (await client.InvokeAsync("join_room", new { room_id = roomId, invite = invite.Str("invite") })).AssertOk();
        var member = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/invites", guest, new { });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, member.StatusCode);
    }

    [Fact]
    public async Task Resume_DeliversExactlyTheMissedEventsInOrder_AndAnnouncesPresenceNotAJoin()
    {
        var (roomId, host, members) = await RoomAsync(1);
        (await host.Client.InvokeAsync("chat_message", new { room_id = roomId, text = "seen" })).AssertOk();
        var lastSeen = (await members[0].Client.WaitForAsync("new_chat_message")).Single().Long("seq");
        await members[0].Client.DisposeAsync();
        await host.Client.WaitForAsync("presence_changed");

        (await Play(host.Client, roomId, 7)).AssertOk();
        (await host.Client.InvokeAsync("chat_message", new { room_id = roomId, text = "missed" })).AssertOk();
        (await host.Client.InvokeAsync("reaction", new { room_id = roomId, emoji = "🎉" })).AssertOk();
        await using var back = await Server.ConnectAsync(members[0].User);
        var ack = await back.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastSeen });

        ack.AssertOk();
        var missed = ack.GetProperty("missed_events").EnumerateArray().ToList();
        Assert.Equal(["presence_changed", "playback_updated", "new_chat_message", "new_reaction"], missed.Select(m => m.Str("event")));
        var seqs = missed.Select(m => m.GetProperty("payload").Long("seq")).ToList();
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, 4).Select(i => (long)i), seqs);
        Assert.Equal("missed", missed[2].GetProperty("payload").GetProperty("message").Str("text"));
        var presence = await host.Client.WaitForAsync("presence_changed", 2);
        Assert.True(presence[1].GetProperty("connected").GetBoolean());
        Assert.DoesNotContain(host.Client.EventsNamed("user_joined"), e => e.GetProperty("user").Str("user_id") == members[0].User.UserId && e.Long("seq") > lastSeen);
    }

    [Fact]
    public async Task Queue_PlayNextStartsTheFirstItem_AndAKnownDurationAdvancesByItself()
    {
        var (roomId, host, members) = await RoomAsync(1);
        var first = await host.Client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "directLink", url = "https://v.test/short.mp4" }, title = "Short", duration_ms = 1200 });
        first.AssertOk();
        (await host.Client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "directLink", url = "https://v.test/next.mp4" }, title = "Next" })).AssertOk();
        (await members[0].Client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "directLink", url = "https://v.test/x.mp4" } })).AssertError("not_host");
        (await host.Client.InvokeAsync("queue_remove", new { room_id = roomId, item_id = "nope" })).AssertError("item_not_found");

        var started = await host.Client.InvokeAsync("play_next", new { room_id = roomId });

        started.AssertOk();
        Assert.Equal("playing", started.GetProperty("playback_state").Str("status"));
        var advanced = await members[0].Client.WaitForAsync("room_updated", 2);
        Assert.Equal("https://v.test/short.mp4", advanced[0].GetProperty("room").GetProperty("movie_source").Str("url"));
        Assert.Equal("https://v.test/next.mp4", advanced[1].GetProperty("room").GetProperty("movie_source").Str("url"));
        var auto = (await members[0].Client.WaitForAsync("playback_updated", 2))[1];
        Assert.Equal(JsonValueKind.Null, auto.GetProperty("by").ValueKind);
        Assert.Equal(0, auto.GetProperty("playback_state").GetProperty("position").GetDouble());
        var queue = (await members[0].Client.WaitForAsync("queue_updated", 4)).Last();
        Assert.Empty(queue.GetProperty("queue").EnumerateArray());
        (await host.Client.InvokeAsync("play_next", new { room_id = roomId })).AssertError("item_not_found");
    }

    [Fact]
    public async Task Queue_MoveReorders_AndHostEndedReportAdvances()
    {
        var (roomId, host, _) = await RoomAsync(0);
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
            ids.Add((await host.Client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "directLink", url = $"https://v.test/{name}.mp4" } })).GetProperty("item").Str("item_id"));

        (await host.Client.InvokeAsync("queue_move", new { room_id = roomId, item_id = ids[2], index = 0 })).AssertOk();
        (await host.Client.InvokeAsync("report_status", new { room_id = roomId, state = "ended", position = 0.0 })).AssertOk();

        var room = await Server.GetRoomAsync(host.User, roomId);
        Assert.Equal("https://v.test/c.mp4", room.GetProperty("movie_source").Str("url"));
        Assert.Equal([ids[0], ids[1]], room.GetProperty("queue").EnumerateArray().Select(i => i.Str("item_id")));
    }

    [Fact]
    public async Task UpdateSettings_MergesAndValidates()
    {
        var (roomId, host, members) = await RoomAsync(1);

        var ack = await host.Client.InvokeAsync("update_settings", new { room_id = roomId, settings = new { chat_enabled = false, buffer_timeout_ms = 2000 } });

        ack.AssertOk();
        Assert.False(ack.GetProperty("settings").GetProperty("chat_enabled").GetBoolean());
        Assert.True(ack.GetProperty("settings").GetProperty("reactions_enabled").GetBoolean());
        Assert.Equal(2000, ack.GetProperty("settings").GetProperty("buffer_timeout_ms").GetInt32());
        (await members[0].Client.InvokeAsync("chat_message", new { room_id = roomId, text = "hi" })).AssertError("chat_disabled");
        (await host.Client.InvokeAsync("update_settings", new { room_id = roomId, settings = new { buffer_timeout_ms = 10 } })).AssertError("invalid_payload");
        (await host.Client.InvokeAsync("update_settings", new { room_id = roomId, settings = new { host_grace_ms = 1_000_000 } })).AssertError("invalid_payload");
        await members[0].Client.WaitForAsync("room_updated");
    }
}

/// <summary>
/// Rate limits with the contract's defaults (the other tests run with generous ones). The limiter's
/// clock stands still, so the burst is exactly what is accepted however slowly the machine runs.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly ManualClock _limiterClock = new(DateTimeOffset.UtcNow);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["RateLimits:ChatPerSecond"] = "5", ["RateLimits:ChatBurst"] = "10",
    }, builder => builder.Services.AddSingleton(sp => new HubRateLimiter(sp.GetRequiredService<IOptions<RateLimitOptions>>(), _limiterClock)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Chat_IsRateLimited_AndAFloodingConnectionIsClosed()
    {
        var user = await _server.SignInAsync("Flooder");
        var roomId = (await _server.CreateRoomAsync(user)).Str("room_id");
        await using var client = await _server.ConnectAsync(user);
        (await client.JoinAsync(roomId)).AssertOk();

        var acks = new List<JsonElement>();
        for (var i = 0; i < 20; i++) acks.Add(await client.InvokeAsync("chat_message", new { room_id = roomId, text = $"spam {i}" }));

        var accepted = acks.Count(a => a.GetProperty("ok").GetBoolean());
        Assert.Equal(10, accepted);
        acks.Where(a => !a.GetProperty("ok").GetBoolean()).ToList().ForEach(a => a.AssertError("rate_limited"));

        var closed = new TaskCompletionSource();
        client.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        for (var i = 0; i < 60 && client.Connection.State == HubConnectionState.Connected; i++)
        {
            try
            {
                await client.InvokeAsync("chat_message", new { room_id = roomId, text = "flood" });
            }
            catch (Exception)
            {
                break;
            }
        }
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var other = await _server.SignInAsync("Other");
        await using var fresh = await _server.ConnectAsync(other);
        (await fresh.InvokeAsync("sync_time", new { client_time = 1 })).AssertOk();
    }
}

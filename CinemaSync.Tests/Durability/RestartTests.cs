using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Durability;

/// <summary>The server as a real process on a real SQLite file: stopped, crashed, started again.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cinemasync-restart-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static async Task<JsonElement> SendAsync(ServerProcess server, HttpMethod method, string path, TestUser user, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Room_ComesBackWhole_AfterTheProcessRestarts()
    {
        string roomId;
        TestUser host, member;
        JsonElement before;
        await using (var server = await ServerProcess.StartAsync(_dataDir))
        {
            host = await server.SignInAsync("Host");
            member = await server.SignInAsync("Member");
            roomId = (await SendAsync(server, HttpMethod.Post, "/api/rooms", host, new
            {
                name = "Survivor", is_private = true, password = "pw",
                movie_source = new { type = "directLink", url = "https://v.test/m.mp4" },
            })).Str("room_id");
            await SendAsync(server, HttpMethod.Post, $"/api/rooms/{roomId}/join", member, new { password = "pw" });
            await SendAsync(server, HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, new { status = "playing", position = 0.0 });
            await SendAsync(server, HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, new { status = "paused", position = 42.0 });
            await using (var client = await RoomClient.ConnectAsync(server.BaseAddress, member.Token))
            {
                (await client.JoinAsync(roomId)).AssertOk();
                (await client.InvokeAsync("chat_message", new { room_id = roomId, text = "see you after the restart" })).AssertOk();
            }
            // The drop is itself an event (presence_changed): wait for it so "before" is final.
            do before = await SendAsync(server, HttpMethod.Get, $"/api/rooms/{roomId}", host);
            while (before.GetProperty("participants").EnumerateArray().Any(p => p.GetProperty("connected").GetBoolean()));
            await server.StopAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(_dataDir);
        var after = await SendAsync(restarted, HttpMethod.Get, $"/api/rooms/{roomId}", host);

        Assert.Equal(host.UserId, after.Str("host_id"));
        Assert.Equal([host.UserId, member.UserId], after.GetProperty("participants").EnumerateArray().Select(p => p.Str("user_id")));
        var playback = after.GetProperty("playback_state");
        Assert.Equal("paused", playback.Str("status"));
        Assert.Equal(42.0, playback.GetProperty("position").GetDouble());
        Assert.Equal(before.GetProperty("playback_state").GetRawText(), playback.GetRawText());
        Assert.Equal(before.Long("seq"), after.Long("seq"));
        Assert.True(after.GetProperty("is_private").GetBoolean());

        await using var rejoined = await RoomClient.ConnectAsync(restarted.BaseAddress, member.Token);
        var ack = await rejoined.JoinAsync(roomId);
        Assert.Equal(["see you after the restart"], ack.GetProperty("chat_history").EnumerateArray().Select(m => m.Str("text")));
        var mine = await SendAsync(restarted, HttpMethod.Get, "/api/rooms/mine", host);
        Assert.Contains(roomId, mine.GetProperty("rooms").EnumerateArray().Select(r => r.Str("room_id")));
        var stranger = await restarted.SignInAsync("Stranger");
        using var wrong = new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{roomId}/join") { Content = JsonContent.Create(new { password = "nope" }) };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stranger.Token);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await restarted.Http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Room_HoldsAnAcknowledgedState_AfterKill9DuringABurst()
    {
        string roomId;
        TestUser host;
        var sentPositions = new Dictionary<long, double>();
        long lastAcked = 0;
        await using (var server = await ServerProcess.StartAsync(_dataDir))
        {
            host = await server.SignInAsync("Host");
            roomId = (await SendAsync(server, HttpMethod.Post, "/api/rooms", host, new
            {
                name = "Crash", movie_source = new { type = "directLink", url = "https://v.test/m.mp4" },
            })).Str("room_id");
            await using var client = await RoomClient.ConnectAsync(server.BaseAddress, host.Token);
            (await client.JoinAsync(roomId)).AssertOk();

            using var burstDone = new CancellationTokenSource();
            var burst = Task.Run(async () =>
            {
                for (long version = 1; !burstDone.IsCancellationRequested; version++)
                {
                    var position = version * 1.25;
                    lock (sentPositions) sentPositions[version] = position;
                    var ack = await client.InvokeAsync("update_playback", new
                    {
                        room_id = roomId, status = version % 2 == 0 ? "paused" : "playing", position, base_version = version - 1,
                    });
                    ack.AssertOk();
                    Interlocked.Exchange(ref lastAcked, version);
                }
            });
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Interlocked.Read(ref lastAcked) < 50 && !burst.IsCompleted) await Task.Delay(5, deadline.Token);
            Assert.False(burst.IsCompleted, $"The burst stopped early: {burst.Exception}");
            await server.KillAsync();
            burstDone.Cancel();
            await Assert.ThrowsAnyAsync<Exception>(() => burst);
        }

        await using var restarted = await ServerProcess.StartAsync(_dataDir);
        var playback = (await SendAsync(restarted, HttpMethod.Get, $"/api/rooms/{roomId}", host)).GetProperty("playback_state");

        var version = playback.Long("version");
        Assert.True(version >= lastAcked, $"version {version} is older than the last acknowledged {lastAcked}");
        Assert.True(version <= lastAcked + 1, $"version {version} was never sent (last acknowledged {lastAcked})");
        Assert.Equal(sentPositions[version], playback.GetProperty("position").GetDouble());
        Assert.Equal(version % 2 == 0 ? "paused" : "playing", playback.Str("status"));
    }
}

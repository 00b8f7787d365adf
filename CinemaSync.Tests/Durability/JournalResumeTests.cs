using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Durability;

/// <summary>
/// <c>join_room</c> with <c>last_seq</c> answered from the room's journal: the server as a real
/// process on a real SQLite file, killed and started again on the same data directory.
/// </summary>
public sealed class JournalResumeTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cinemasync-resume-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static async Task<string> CreateRoomAsync(ServerProcess server, TestUser host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms")
        {
            Content = JsonContent.Create(new { name = "Journal", movie_source = new { type = "directLink", url = "https://v.test/m.mp4" } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token);
        var response = await server.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("room_id");
    }

    private static List<(string Event, JsonElement Payload)> Missed(JsonElement ack)
        => ack.GetProperty("missed_events").EnumerateArray().Select(m => (m.Str("event"), m.GetProperty("payload"))).ToList();

    [Fact]
    public async Task JoinRoom_ReturnsExactlyTheMissedEventsChatIncluded_WhenTheMemberDroppedBeforeAProcessCrash()
    {
        string roomId;
        TestUser host, member;
        long lastSeen;
        await using (var server = await ServerProcess.StartAsync(_dataDir))
        {
            host = await server.SignInAsync("Host");
            member = await server.SignInAsync("Member");
            roomId = await CreateRoomAsync(server, host);
            await using var hostClient = await RoomClient.ConnectAsync(server.BaseAddress, host.Token);
            (await hostClient.JoinAsync(roomId)).AssertOk();
            await using (var memberClient = await RoomClient.ConnectAsync(server.BaseAddress, member.Token))
            {
                (await memberClient.JoinAsync(roomId)).AssertOk();
                (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "seen before the drop" })).AssertOk();
                lastSeen = (await memberClient.WaitForAsync("new_chat_message")).Single().Long("seq");
            }
            await hostClient.WaitForAsync("presence_changed", match: e => !e.GetProperty("connected").GetBoolean());

            (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 12.5 })).AssertOk();
            (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "missed before the crash" })).AssertOk();
            (await hostClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "🍿" })).AssertOk();
            // Every ack above came after its append was durable: a crash right now loses none of them.
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(_dataDir);
        await using var hostAgain = await RoomClient.ConnectAsync(restarted.BaseAddress, host.Token);
        (await hostAgain.JoinAsync(roomId)).AssertOk();
        (await hostAgain.InvokeAsync("chat_message", new { room_id = roomId, text = "said after the restart" })).AssertOk();

        await using var memberAgain = await RoomClient.ConnectAsync(restarted.BaseAddress, member.Token);
        var ack = await memberAgain.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastSeen });

        ack.AssertOk();
        Assert.False(ack.TryGetProperty("resync", out var resync) && resync.GetBoolean(), "the journal holds every missed event");
        var missed = Missed(ack);
        Assert.Equal(["presence_changed", "playback_updated", "new_chat_message", "new_reaction", "presence_changed", "new_chat_message"], missed.Select(m => m.Event));
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, missed.Count).Select(i => (long)i), missed.Select(m => m.Payload.Long("seq")));
        Assert.Equal(member.UserId, missed[0].Payload.Str("user_id"));
        Assert.False(missed[0].Payload.GetProperty("connected").GetBoolean());
        Assert.Equal(12.5, missed[1].Payload.GetProperty("playback_state").GetProperty("position").GetDouble());
        Assert.Equal("missed before the crash", missed[2].Payload.GetProperty("message").Str("text"));
        Assert.Equal("🍿", missed[3].Payload.Str("emoji"));
        Assert.Equal(host.UserId, missed[4].Payload.Str("user_id"));
        Assert.Equal("said after the restart", missed[5].Payload.GetProperty("message").Str("text"));
        // The member's own reconnection is the one event after the missed ones.
        Assert.Equal(missed[^1].Payload.Long("seq") + 1, ack.GetProperty("room").Long("seq"));
        Assert.Equal(["seen before the drop", "missed before the crash", "said after the restart"],
            ack.GetProperty("chat_history").EnumerateArray().Select(m => m.Str("text")));
    }

    [Fact]
    public async Task JoinRoom_AnswersResyncWithTheFullRoom_WhenLastSeqIsPastTheRetention()
    {
        var retention = new Dictionary<string, string> { ["Journal__RetainEvents"] = "20", ["Journal__SnapshotEveryEvents"] = "5" };
        await using var server = await ServerProcess.StartAsync(_dataDir, retention);
        var host = await server.SignInAsync("Host");
        var member = await server.SignInAsync("Member");
        var roomId = await CreateRoomAsync(server, host);
        await using var hostClient = await RoomClient.ConnectAsync(server.BaseAddress, host.Token);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        await using var memberClient = await RoomClient.ConnectAsync(server.BaseAddress, member.Token);
        var lastSeen = (await memberClient.JoinAsync(roomId)).GetProperty("room").Long("seq");

        for (var i = 0; i < 40; i++)
            (await hostClient.InvokeAsync("reaction", new { room_id = roomId, emoji = "👍" })).AssertOk();
        var lastReaction = (await memberClient.WaitForAsync("new_reaction", 40)).Last().Long("seq");
        var tooOld = await memberClient.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastSeen });
        var recent = await memberClient.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastReaction - 15 });

        tooOld.AssertOk();
        Assert.True(tooOld.GetProperty("resync").GetBoolean());
        Assert.False(tooOld.TryGetProperty("missed_events", out _));
        var room = tooOld.GetProperty("room");
        Assert.Equal(lastReaction, room.Long("seq"));
        Assert.Equal([host.UserId, member.UserId], room.GetProperty("participants").EnumerateArray().Select(p => p.Str("user_id")));
        Assert.Equal("https://v.test/m.mp4", room.GetProperty("movie_source").Str("url"));
        recent.AssertOk();
        Assert.False(recent.TryGetProperty("resync", out var resync) && resync.GetBoolean());
        Assert.Equal(Enumerable.Range((int)lastReaction - 14, 15).Select(i => (long)i), Missed(recent).Select(m => m.Payload.Long("seq")));
    }
}

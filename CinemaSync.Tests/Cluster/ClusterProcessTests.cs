using System.Diagnostics;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Cluster;

/// <summary>
/// Real processes: redis membership, two silos, two web nodes in client mode. Members of one
/// room sit on different web nodes; silos are SIGKILLed and web nodes restarted under them.
/// </summary>
public sealed class ClusterProcessTests(ProcessCluster cluster, ITestOutputHelper output) : IClassFixture<ProcessCluster>
{
    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(15);

    private static bool IsChat(JsonElement e, string text) => e.GetProperty("message").Str("text") == text;

    /// <summary>Every broadcast event a client got, by seq: each seq must appear once.</summary>
    private static void AssertEachSeqOnce(RoomClient client, string who)
    {
        var seqs = client.Events.Where(e => e.Name != "room_joined").Select(e => e.Payload.Long("seq")).ToList();
        var repeated = seqs.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{who} got seq {string.Join(",", repeated)} more than once");
        Assert.Equal(seqs.Order(), seqs);
    }

    [RedisFact]
    public async Task RoomEvents_ReachEachMemberOnceOnEveryWebNode_AndTheRoomRecoversWithinBudget_WhenItsSiloIsKilled()
    {
        var (a, b) = (cluster.Webs[0], cluster.Webs[1]);
        var host = await ProcessCluster.SignInAsync(a, "Host");
        var ben = await ProcessCluster.SignInAsync(b, "Ben");
        var cai = await ProcessCluster.SignInAsync(b, "Cai");
        var roomId = await ProcessCluster.CreateRoomAsync(a, host);

        await using var hostClient = await RoomClient.ConnectAsync(a.BaseAddress, host.Token);
        await using var benClient = await RoomClient.ConnectAsync(b.BaseAddress, ben.Token);
        await using var caiClient = await RoomClient.ConnectAsync(b.BaseAddress, cai.Token);
        var members = new[] { ("host", hostClient), ("ben", benClient), ("cai", caiClient) };
        foreach (var (_, client) in members) (await client.JoinAsync(roomId)).AssertOk();

        // Each member speaks once; everyone hears all three, once each.
        foreach (var (name, client) in members)
            (await client.InvokeAsync("chat_message", new { room_id = roomId, text = "hi from " + name })).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 42.5 })).AssertOk();
        foreach (var (name, client) in members)
        {
            await client.WaitForAsync("playback_updated");
            foreach (var (speaker, _) in members)
                Assert.Single(client.EventsNamed("new_chat_message"), e => IsChat(e, "hi from " + speaker));
            Assert.Equal(3, client.EventsNamed("new_chat_message").Count);
            AssertEachSeqOnce(client, name);
        }
        var before = await ProcessCluster.SendAsync(a, HttpMethod.Get, $"/api/rooms/{roomId}", host);

        var victim = await cluster.SiloHostingAsync(roomId, host);
        await victim.KillAsync();
        var clock = Stopwatch.StartNew();

        // The host keeps talking; the room is back when all three hear a message again.
        string? delivered = null;
        for (var attempt = 1; delivered is null; attempt++)
        {
            Assert.True(clock.Elapsed < FailoverBudget,
                $"The room did not come back within {FailoverBudget.TotalSeconds} s (killed at {DateTime.UtcNow - clock.Elapsed:HH:mm:ss.fff})\n{cluster.WebLogs}");
            var text = $"after the crash #{attempt}";
            try
            {
                var ack = await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text }).WaitAsync(TimeSpan.FromSeconds(3));
                if (!ack.GetProperty("ok").GetBoolean()) continue;
            }
            catch (Exception ex) when (ex is TimeoutException or Microsoft.AspNetCore.SignalR.HubException)
            {
                continue;
            }
            var everyone = await Task.WhenAll(members.Select(m => m.Item2.TryWaitForAsync(
                "new_chat_message", e => IsChat(e, text), TimeSpan.FromMilliseconds(1500))));
            if (everyone.All(x => x)) delivered = text;
        }
        output.WriteLine($"Silo SIGKILL to an event delivered to all three members: {clock.ElapsedMilliseconds} ms");

        var after = await ProcessCluster.SendAsync(a, HttpMethod.Get, $"/api/rooms/{roomId}", host);
        Assert.Equal(before.GetProperty("playback_state").GetRawText(), after.GetProperty("playback_state").GetRawText());
        Assert.Equal(before.GetProperty("participants").EnumerateArray().Select(p => p.Str("user_id")),
            after.GetProperty("participants").EnumerateArray().Select(p => p.Str("user_id")));
        Assert.True(after.Long("seq") > before.Long("seq"));
        var rejoin = await benClient.JoinAsync(roomId);
        Assert.Equal(["hi from host", "hi from ben", "hi from cai"],
            rejoin.GetProperty("chat_history").EnumerateArray().Select(m => m.Str("text")).Take(3));
        Assert.NotEqual(victim.SiloPort, (await cluster.SiloHostingAsync(roomId, host)).SiloPort);
        foreach (var (name, client) in members)
        {
            Assert.Single(client.EventsNamed("new_chat_message"), e => IsChat(e, delivered));
            AssertEachSeqOnce(client, name);
        }
    }

    [RedisFact]
    public async Task Clients_ReconnectRejoinAndGetTheCurrentState_WhenTheirWebNodeRestarts()
    {
        var a = cluster.Webs[0];
        var host = await ProcessCluster.SignInAsync(a, "Host");
        var dee = await ProcessCluster.SignInAsync(a, "Dee");
        var roomId = await ProcessCluster.CreateRoomAsync(a, host);
        await using var hostClient = await RoomClient.ConnectAsync(a.BaseAddress, host.Token);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        await using var deeClient = await RoomClient.ConnectAsync(cluster.Webs[1].BaseAddress, dee.Token, reconnect: true);
        (await deeClient.JoinAsync(roomId)).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 10.0 })).AssertOk();
        var lastSeq = (await deeClient.WaitForAsync("playback_updated")).Single().Long("seq");

        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        deeClient.Connection.Reconnected += _ =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var restart = cluster.RestartWebAsync(1);
        // While Dee's node is down the host moves on.
        var deadline = Stopwatch.StartNew();
        while (deeClient.Connection.State == HubConnectionState.Connected && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(50);
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 99.0 })).AssertOk();
        await restart;
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var ack = await deeClient.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastSeq });
        ack.AssertOk();
        var playback = ack.GetProperty("room").GetProperty("playback_state");
        Assert.Equal("paused", playback.Str("status"));
        Assert.Equal(99.0, playback.GetProperty("position").GetDouble());
        var joined = await deeClient.WaitForAsync("room_joined", 2);
        Assert.Equal(ack.GetProperty("room").Long("seq"), joined[^1].Long("seq"));
        Assert.Equal(99.0, joined[^1].GetProperty("room").GetProperty("playback_state").GetProperty("position").GetDouble());

        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 99.0 })).AssertOk();
        await deeClient.WaitForAsync("playback_updated", match: e => e.GetProperty("playback_state").Str("status") == "playing"
                                                                  && e.GetProperty("playback_state").GetProperty("position").GetDouble() == 99.0);
        AssertEachSeqOnce(deeClient, "dee");
    }
}

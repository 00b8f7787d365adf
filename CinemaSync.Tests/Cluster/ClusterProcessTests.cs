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

    /// <summary>Two live silos, as both web nodes see them (an earlier test may have killed one).</summary>
    private async Task TwoLiveSilosAsync(TestUser user)
    {
        if (cluster.Silos.Count(s => !s.HasExited) < 2) await cluster.StartSiloAsync();
        var clock = Stopwatch.StartNew();
        while ((await Task.WhenAll(cluster.Webs.Select(w => ProcessCluster.ActiveSilosAsync(w, user)))).Any(n => n < 2))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The web nodes did not see two silos within 30 s");
            await Task.Delay(200);
        }
    }

    [RedisFact]
    public async Task AckedEvents_ReachEveryMemberOnBothWebNodesOnceInOrderWithoutRejoining_WhenTheHostingSiloIsKilledMidStream()
    {
        var (a, b) = (cluster.Webs[0], cluster.Webs[1]);
        var host = await ProcessCluster.SignInAsync(a, "Host");
        var ada = await ProcessCluster.SignInAsync(a, "Ada");
        var bo = await ProcessCluster.SignInAsync(b, "Bo");
        await TwoLiveSilosAsync(host);
        var roomId = await ProcessCluster.CreateRoomAsync(a, host);
        await using var hostClient = await RoomClient.ConnectAsync(a.BaseAddress, host.Token);
        await using var adaClient = await RoomClient.ConnectAsync(a.BaseAddress, ada.Token);
        await using var boClient = await RoomClient.ConnectAsync(b.BaseAddress, bo.Token);
        var members = new[] { ("host", hostClient), ("ada", adaClient), ("bo", boClient) };
        foreach (var (_, client) in members)
        {
            (await client.JoinAsync(roomId)).AssertOk();
            await client.WaitForAsync("room_joined");
        }

        // The host talks without pause, one message at a time; only the acknowledged ones count.
        var acked = new List<string>();
        var sent = new List<(string Text, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var text = $"m{i}";
                lock (sent) sent.Add((text, clock.Elapsed));
                try
                {
                    var ack = await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text }).WaitAsync(TimeSpan.FromSeconds(2));
                    if (ack.GetProperty("ok").GetBoolean()) lock (acked) acked.Add(text);
                    else await Task.Delay(50);
                }
                catch (Exception ex) when (ex is TimeoutException or Microsoft.AspNetCore.SignalR.HubException)
                {
                }
                await Task.Delay(20);
            }
        });
        int AckedCount() { lock (acked) return acked.Count; }
        while (AckedCount() < 20) await Task.Delay(20);

        var victim = await cluster.SiloHostingAsync(roomId, host);
        var killedAt = clock.Elapsed;
        await victim.KillAsync();
        var ackedAtKill = AckedCount();
        // Back when messages are acknowledged again; then a little more traffic on the new silo.
        while (AckedCount() < ackedAtKill + 10)
        {
            Assert.True(clock.Elapsed - killedAt < FailoverBudget, $"The room did not come back within {FailoverBudget.TotalSeconds} s\n{cluster.WebLogs}");
            await Task.Delay(20);
        }
        var backAt = clock.Elapsed;
        await stop.CancelAsync();
        await sender;
        Assert.NotEqual(victim.SiloPort, (await cluster.SiloHostingAsync(roomId, host)).SiloPort);

        List<string> all;
        lock (acked) all = [.. acked];
        var inWindow = sent.Count(m => m.At >= killedAt && m.At <= backAt);
        var ackedInWindow = all.Skip(ackedAtKill).Count(t => sent.Single(m => m.Text == t).At <= backAt);
        output.WriteLine($"Silo killed at {killedAt.TotalSeconds:F1} s, messages acknowledged again {(backAt - killedAt).TotalMilliseconds:F0} ms later");
        output.WriteLine($"Sent in the kill window: {inWindow}, acknowledged of those: {ackedInWindow}; acknowledged in all: {all.Count} of {sent.Count} sent");
        output.WriteLine("Web nodes' catch-ups from the journal: " +
                         string.Join("; ", cluster.Webs.Select(w => w.Output).SelectMany(o => o.Split('\n')).Where(l => l.Contains(roomId) && l.Contains("caught up with")).Select(l => l.Trim())));
        foreach (var (name, client) in members)
        {
            var deadline = Stopwatch.StartNew();
            List<string> Chats() => client.EventsNamed("new_chat_message").Select(e => e.GetProperty("message").Str("text")).ToList();
            while (all.Except(Chats()).Any() && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
            var chats = Chats();
            var lost = all.Except(chats).ToList();
            var duplicated = chats.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var (joinedAt, seqs) = client.SeqsSinceJoin();
            output.WriteLine($"{name} ({(client == boClient ? "web b" : "web a")}): delivered {chats.Count} messages ({seqs.Count} events after seq {joinedAt}), " +
                             $"acknowledged ones delivered {all.Count - lost.Count}, lost {lost.Count}, duplicated {duplicated.Count}");
            Assert.True(lost.Count == 0, $"{name} never got {string.Join(",", lost)}\n{cluster.WebLogs}");
            Assert.True(duplicated.Count == 0, $"{name} got {string.Join(",", duplicated)} more than once");
            Assert.Equal(all, chats.Where(all.Contains));
            client.AssertGapFreeSinceJoin(name);
        }
    }

    [RedisFact]
    public async Task RoomEvents_ReachBothWebNodesThroughOrleans_WhenNoSiloSharesTheirProcess()
    {
        var (a, b) = (cluster.Webs[0], cluster.Webs[1]);
        var host = await ProcessCluster.SignInAsync(a, "Host");
        var eve = await ProcessCluster.SignInAsync(b, "Eve");
        var roomId = await ProcessCluster.CreateRoomAsync(a, host);
        await using var hostClient = await RoomClient.ConnectAsync(a.BaseAddress, host.Token);
        await using var eveClient = await RoomClient.ConnectAsync(b.BaseAddress, eve.Token);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        (await eveClient.JoinAsync(roomId)).AssertOk();

        (await hostClient.InvokeAsync("chat_message", new { room_id = roomId, text = "across processes" })).AssertOk();

        foreach (var client in new[] { hostClient, eveClient })
            await client.WaitForAsync("new_chat_message", match: e => IsChat(e, "across processes"));
        foreach (var web in cluster.Webs)
        {
            Assert.True(await PrometheusScrape.SumAsync(web.Http, "cinemasync_room_fanout_duration_milliseconds_count") > 0);
            Assert.Equal(0, await PrometheusScrape.SumAsync(web.Http, "cinemasync_node_local_deliveries_total"));
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

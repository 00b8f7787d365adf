using CinemaSync.Contracts;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace CinemaSync.Tests.Realtime;

/// <summary>What a web node does with a room's seqs: each once, in order, the missed ones fetched from the journal.</summary>
internal static class GapFreeScenario
{
    public static bool IsChat(System.Text.Json.JsonElement e, string text) => e.GetProperty("message").Str("text") == text;

    public static async Task ChatAsync(RoomClient client, string roomId, string text) =>
        (await client.InvokeAsync("chat_message", new { room_id = roomId, text })).AssertOk();

    /// <summary>Each member got exactly these chat messages, in this order, and every seq since its join once, in order.</summary>
    public static async Task AssertChatsOnceInOrderAsync(string[] expected, params (string Who, RoomClient Client)[] members)
    {
        foreach (var (who, client) in members)
        {
            await client.WaitForAsync("new_chat_message", match: e => IsChat(e, expected[^1]));
            Assert.Equal(expected, client.EventsNamed("new_chat_message").Select(e => e.GetProperty("message").Str("text")));
            client.AssertGapFreeSinceJoin(who);
        }
    }

    public static async Task WaitForLogAsync(CapturingLoggerProvider logs, string roomId, string text)
    {
        for (var i = 0; i < 250 && !logs.Lines.Any(l => l.Contains(roomId) && l.Contains(text)); i++) await Task.Delay(20);
        Assert.Contains(logs.Lines, l => l.Contains(roomId) && l.Contains(text));
    }

    /// <summary>
    /// The room's activation goes (as on a deactivation or a silo's death): its new one knows no node,
    /// which shows as nobody connected.
    /// </summary>
    public static async Task DeactivateRoomAsync(TestServer server, string roomId)
    {
        var room = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(roomId);
        await room.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        for (var i = 0; i < 250 && (await room.GetAsync())!.Participants.Any(p => p.Connected); i++) await Task.Delay(20);
        Assert.All((await room.GetAsync())!.Participants, p => Assert.False(p.Connected));
    }

    public static (NodeRoomObserver Observer, IRoomObserver Reference) ObserverOf(TestServer server, string roomId) =>
        server.Services.GetRequiredService<RoomSubscriptions>().ObserverOf(roomId)
        ?? throw new Xunit.Sdk.XunitException($"No subscription to {roomId}");
}

public sealed class GapFreeFanOutTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Members_GetExactlyTheMissedEventsOnceInOrder_WhenTheNodeReSubscribesAfterTheRoomLostIt()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (_, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var ownedMember = memberClient;
        await GapFreeScenario.ChatAsync(hostClient, roomId, "before");
        await memberClient.WaitForAsync("new_chat_message", match: e => GapFreeScenario.IsChat(e, "before"));

        await GapFreeScenario.DeactivateRoomAsync(Server, roomId);
        string[] missed = ["missed 1", "missed 2", "missed 3"];
        foreach (var text in missed) await GapFreeScenario.ChatAsync(hostClient, roomId, text);
        Assert.False(await memberClient.TryWaitForAsync("new_chat_message", e => GapFreeScenario.IsChat(e, "missed 1"), TimeSpan.FromMilliseconds(200)));

        await Server.Services.GetRequiredService<RoomSubscriptions>().RefreshAsync(CancellationToken.None);
        await GapFreeScenario.ChatAsync(hostClient, roomId, "after");

        await GapFreeScenario.AssertChatsOnceInOrderAsync(["before", .. missed, "after"], ("host", hostClient), ("member", memberClient));
    }

    [Fact]
    public async Task Node_DropsEventsItAlreadyForwarded_WhenTheRoomSendsThemAgain()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (_, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var ownedMember = memberClient;
        foreach (var text in new[] { "a", "b", "c" }) await GapFreeScenario.ChatAsync(hostClient, roomId, text);
        await memberClient.WaitForAsync("new_chat_message", 3);
        var (observer, reference) = GapFreeScenario.ObserverOf(Server, roomId);
        var forwarded = observer.ForwardedSeq!.Value;

        // The room replays the last three events to a node that already forwarded them.
        var room = Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(roomId);
        var connections = Server.Services.GetRequiredService<LocalConnections>().In(roomId);
        await room.SubscribeAsync(reference, connections, forwarded - 3);
        await GapFreeScenario.ChatAsync(hostClient, roomId, "d");

        await GapFreeScenario.AssertChatsOnceInOrderAsync(["a", "b", "c", "d"], ("host", hostClient), ("member", memberClient));
    }
}

public sealed class GapPastRetentionTests(SmallJournalServerFixture fixture) : IClassFixture<SmallJournalServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Node_ForwardsWhatItHeldAndLogs_WhenTheMissedEventsArePastTheJournalsRetention()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (_, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var ownedMember = memberClient;
        await GapFreeScenario.DeactivateRoomAsync(Server, roomId);
        foreach (var text in new[] { "gone 1", "gone 2", "gone 3", "gone 4" }) await GapFreeScenario.ChatAsync(hostClient, roomId, text);

        // A join subscribes the node again: its events come after the gap, are held, and the node re-subscribes.
        var (_, lateClient) = await Server.JoinedUserAsync(roomId, "Late");
        await using var ownedLate = lateClient;

        await memberClient.WaitForAsync("user_joined", match: e => e.GetProperty("user").Str("display_name") == "Late");
        await GapFreeScenario.WaitForLogAsync(fixture.Logs, roomId, "no longer in its journal");
        Assert.Empty(memberClient.EventsNamed("new_chat_message"));
        var (_, seqs) = memberClient.SeqsSinceJoin();
        Assert.Equal(seqs.Order().Distinct(), seqs);
        // From there on, nothing is held.
        await GapFreeScenario.ChatAsync(hostClient, roomId, "next");
        await memberClient.WaitForAsync("new_chat_message", match: e => GapFreeScenario.IsChat(e, "next"));
    }

    [Fact]
    public async Task Node_ForwardsWhatItHeldAndLogs_WhenTheCatchUpDoesNotComeInTime()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        await hostClient.WaitForAsync("room_joined");
        var (observer, _) = GapFreeScenario.ObserverOf(Server, roomId);
        var ahead = observer.ForwardedSeq!.Value + 3;

        // An event past a gap the room can never fill (it has no such seq): only the hold's bound lets it out.
        await observer.OnRoomEventAsync(new NewChatMessageEvent
        {
            RoomId = roomId,
            Seq = ahead,
            Message = new ChatMessage { MessageId = "m-ahead", UserId = host.UserId, DisplayName = host.DisplayName, Text = "held" },
        });
        Assert.False(await hostClient.TryWaitForAsync("new_chat_message", e => GapFreeScenario.IsChat(e, "held"), SmallJournalServerFixture.GapHoldTimeout / 3));

        await hostClient.WaitForAsync("new_chat_message", match: e => GapFreeScenario.IsChat(e, "held"));
        await GapFreeScenario.WaitForLogAsync(fixture.Logs, roomId, "did not come within");
        Assert.Equal(ahead, observer.ForwardedSeq);
    }
}

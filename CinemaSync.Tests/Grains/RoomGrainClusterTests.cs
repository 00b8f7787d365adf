using CinemaSync.Contracts;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Grains;

public sealed class RoomGrainClusterTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static Actor User(string id) => new() { UserId = id, DisplayName = id };

    private async Task<IRoomGrain> CreateRoomAsync(string roomId, string hostId)
    {
        var room = Grains.GetGrain<IRoomGrain>(roomId);
        var created = await room.CreateAsync(new CreateRoomCommand
        {
            Host = User(hostId),
            Name = roomId,
            MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://v.test/m.mp4" },
            Settings = new RoomSettings(),
        });
        Assert.True(created.IsOk, created.Message);
        return room;
    }

    [Fact]
    public async Task Observers_ReceiveEvents_WhicheverSiloHostsTheRoom()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToList();
        Assert.Equal(2, silos.Count);
        var position = 0;
        foreach (var silo in silos)
        {
            var roomId = "on-" + Guid.NewGuid().ToString("N")[..12];
            var room = await CreateRoomAsync(roomId, "host");
            if (!silo.Equals(await management.GetActivationAddress(room)))
                await fixture.Cluster.MigrateAsync(room, silo);
            Assert.Equal(silo, await management.GetActivationAddress(room));

            var observer = new RecordingObserver();
            var reference = Grains.CreateObjectReference<IRoomObserver>(observer);
            var joined = await room.JoinAsync(new JoinRoomCommand
            {
                User = User("host"),
                Connection = new RoomConnection { ConnectionId = "c-" + roomId, Node = reference },
            });
            Assert.True(joined.IsOk);
            Assert.Equal(roomId, (await observer.NextAsync<RoomJoinedEvent>()).Room.RoomId);

            position += 10;
            var update = await room.UpdatePlaybackAsync("host", new PlaybackCommand { Status = PlaybackStatus.Playing, Position = position });
            Assert.True(update.IsOk);
            var received = await observer.NextAsync<PlaybackUpdatedEvent>();
            Assert.Equal(position, received.PlaybackState.Position);
            Assert.Equal(1, received.PlaybackState.Version);
            Assert.Equal("host", received.By);
            Assert.Equal(silo, await management.GetActivationAddress(room));
        }
    }

    [Fact]
    public async Task DeactivatedRoom_ComesBackWithItsState_AndReSubscriptionRestoresDelivery()
    {
        var roomId = "reactivate-" + Guid.NewGuid().ToString("N")[..8];
        var room = await CreateRoomAsync(roomId, "host");
        var observer = new RecordingObserver();
        var reference = Grains.CreateObjectReference<IRoomObserver>(observer);
        Assert.True((await room.JoinAsync(new JoinRoomCommand { User = User("guest"), Connection = new RoomConnection { ConnectionId = "g1", Node = reference } })).IsOk);
        Assert.True((await room.UpdatePlaybackAsync("host", new PlaybackCommand { Status = PlaybackStatus.Paused, Position = 42 })).IsOk);
        Assert.True((await room.SendChatAsync("guest", "still here?")).IsOk);
        var before = (await room.GetAsync())!;

        await fixture.Cluster.DeactivateAsync(room);
        await fixture.Cluster.WaitForDeactivationAsync(room);

        var after = (await room.GetAsync())!;
        Assert.Equal(before.Seq, after.Seq);
        Assert.Equal(before.PlaybackState, after.PlaybackState);
        Assert.Equal(42, after.PlaybackState.Position);
        Assert.Equal(["host", "guest"], after.Participants.Select(p => p.UserId));
        Assert.All(after.Participants, p => Assert.False(p.Connected));
        var rejoin = await room.JoinAsync(new JoinRoomCommand { User = User("guest") });
        Assert.Equal(["still here?"], rejoin.Value!.ChatHistory.Select(m => m.Text));

        await room.SubscribeAsync(reference, [new LocalConnection { ConnectionId = "g1", UserId = "guest" }]);
        Assert.True((await room.GetAsync())!.Participants.Single(p => p.UserId == "guest").Connected);
        Assert.True((await room.UpdatePlaybackAsync("host", new PlaybackCommand { Status = PlaybackStatus.Playing, Position = 42 })).IsOk);
        var received = await observer.NextAsync<PlaybackUpdatedEvent>();
        while (received.PlaybackState.Status != PlaybackStatus.Playing) received = await observer.NextAsync<PlaybackUpdatedEvent>();
        Assert.Equal(before.PlaybackState.Version + 1, received.PlaybackState.Version);
    }

    /// <summary>A guest on a node that then loses its subscription (its one connection dropped); returns the room's seq then.</summary>
    private async Task<(IRoomGrain Room, RecordingObserver Observer, IRoomObserver Node, long Seq)> NodeThatStoppedListeningAsync()
    {
        var room = await CreateRoomAsync("catchup-" + Guid.NewGuid().ToString("N")[..8], "host");
        var observer = new RecordingObserver();
        var node = Grains.CreateObjectReference<IRoomObserver>(observer);
        Assert.True((await room.JoinAsync(new JoinRoomCommand { User = User("guest"), Connection = new RoomConnection { ConnectionId = "g1", Node = node } })).IsOk);
        await observer.NextAsync<RoomJoinedEvent>();
        await room.DisconnectAsync("g1");
        return (room, observer, node, (await room.GetAsync())!.Seq);
    }

    private static readonly LocalConnection[] Guest = [new() { ConnectionId = "g1", UserId = "guest" }];

    [Fact]
    public async Task SubscribeAsync_SendsExactlyTheEventsTheNodeMissed_InOrderBeforeNewerOnes_WhenItReSubscribesBehindTheRoom()
    {
        var (room, observer, node, forwarded) = await NodeThatStoppedListeningAsync();
        // Accepted while no node listens: nobody hears them.
        foreach (var text in new[] { "one", "two", "three" }) Assert.True((await room.SendChatAsync("host", text)).IsOk);
        Assert.True((await room.UpdatePlaybackAsync("host", new PlaybackCommand { Status = PlaybackStatus.Paused, Position = 5 })).IsOk);
        var seq = (await room.GetAsync())!.Seq;
        Assert.Equal(forwarded + 4, seq);

        await room.SubscribeAsync(node, Guest, forwarded);

        var catchUp = await observer.NextAsync<RoomCatchUp>();
        Assert.Equal(seq, catchUp.Seq);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => forwarded + i), catchUp.Missed!.Select(e => e.Seq));
        Assert.Equal(["one", "two", "three"], catchUp.Missed!.OfType<NewChatMessageEvent>().Select(e => e.Message.Text));
        Assert.Equal(5, catchUp.Missed!.OfType<PlaybackUpdatedEvent>().Single().PlaybackState.Position);
        Assert.True((await room.SendChatAsync("host", "after")).IsOk);
        var next = Assert.IsType<NewChatMessageEvent>(await observer.NextAsync<RoomEvent>());
        Assert.Equal(seq + 1, next.Seq);
    }

    [Fact]
    public async Task SubscribeAsync_SendsNoCatchUp_WhenTheNodeIsAtTheRoomsSeq()
    {
        var (room, observer, node, forwarded) = await NodeThatStoppedListeningAsync();

        await room.SubscribeAsync(node, Guest, forwarded);
        Assert.True((await room.SendChatAsync("host", "after")).IsOk);

        var received = new List<object>();
        while (received.LastOrDefault() is not NewChatMessageEvent) received.Add(await observer.NextAsync<object>());
        Assert.DoesNotContain(received, r => r is RoomCatchUp);
        Assert.Equal("after", ((NewChatMessageEvent)received[^1]).Message.Text);
    }

    [Fact]
    public async Task SubscribeAsync_SaysTheEventsCannotBeReplayed_WhenTheNodeClaimsASeqAheadOfTheRoom()
    {
        var (room, observer, node, forwarded) = await NodeThatStoppedListeningAsync();

        await room.SubscribeAsync(node, Guest, forwarded + 50);

        var catchUp = await observer.NextAsync<RoomCatchUp>();
        Assert.Equal(forwarded, catchUp.Seq);
        Assert.Null(catchUp.Missed);
    }

    [Fact]
    public async Task SubscribeAsync_TellsANewNodeTheRoomsSeq_WhenItForwardedNothingYet()
    {
        var (room, observer, node, forwarded) = await NodeThatStoppedListeningAsync();

        await room.SubscribeAsync(node, Guest, forwardedSeq: null);

        var catchUp = await observer.NextAsync<RoomCatchUp>();
        Assert.Equal(forwarded, catchUp.Seq);
        Assert.Empty(catchUp.Missed!);
    }

    [Fact]
    public async Task CreateAsync_RefusesAnIdThatIsTaken()
    {
        var roomId = "taken-" + Guid.NewGuid().ToString("N")[..8];
        var room = await CreateRoomAsync(roomId, "first");

        var again = await room.CreateAsync(new CreateRoomCommand
        {
            Host = User("second"), Name = "x", MovieSource = new MovieSource(), Settings = new RoomSettings(),
        });

        Assert.Equal(ErrorCodes.RoomExists, again.Error);
        Assert.Equal("first", (await room.GetAsync())!.HostId);
    }

    [Fact]
    public async Task UserGrain_ListsRoomsJoinedAndForgetsRoomsLeft()
    {
        var userId = "user-" + Guid.NewGuid().ToString("N")[..8];
        var a = await CreateRoomAsync("ua-" + userId, userId);
        var b = await CreateRoomAsync("ub-" + userId, "someone");
        Assert.True((await b.JoinAsync(new JoinRoomCommand { User = User(userId) })).IsOk);
        Assert.True((await a.LeaveAsync(userId)).IsOk);

        var rooms = await Grains.GetGrain<IUserGrain>(userId).GetRoomIdsAsync();

        Assert.Equal(["ub-" + userId], rooms);
    }
}

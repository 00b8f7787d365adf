using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Tests.Rooms;

/// <summary>The time-driven transitions, on a manual clock: nothing here sleeps.</summary>
public sealed class RoomCoreTimedTests
{
    private readonly RoomHarness _room = new();

    private static PlaybackCommand Play(double position = 0) => new() { Status = PlaybackStatus.Playing, Position = position };

    private void Buffering(string userId) =>
        _room.Ok(new ReportStatus(userId, new StatusReport { State = MemberStates.Buffering }));

    [Fact]
    public void Tick_ResumesEveryoneWithoutTheLateMember_WhenTheBufferTimeoutPasses()
    {
        _room.Create(settings: new RoomSettings { BufferTimeoutMs = 2000 });
        _room.Join("host", "h1");
        _room.Join("late", "l1");
        _room.Ok(new UpdatePlayback("host", Play()));
        Buffering("late");
        _room.Tick(); // member_status
        Assert.Equal(_room.Now + 2000, _room.Core.NextDue());

        _room.Advance(1999);
        Assert.Empty(_room.Tick().Events);
        _room.Advance(1);
        var timeout = _room.Tick();

        var resumed = Assert.IsType<PlaybackUpdatedEvent>(Assert.Single(timeout.Events));
        Assert.Equal((PlaybackStatus.Playing, (string?)null), (resumed.PlaybackState.Status, resumed.By));
        Assert.Equal(SyncStatuses.CatchingUp, _room.Participant("late").Sync.Status);
        _room.AssertReplays();
    }

    [Fact]
    public void CatchingUp_KeepsTheLateMemberFromHoldingTheRoom_ForItsWindowOnly()
    {
        _room.Create(settings: new RoomSettings { BufferTimeoutMs = 1000 });
        _room.Join("late", "l1");
        _room.Ok(new UpdatePlayback("host", Play()));
        Buffering("late");
        _room.Advance(1000);
        _room.Tick();

        Buffering("late");
        Assert.Equal(PlaybackStatus.Playing, _room.Core.State.Playback.Status);

        _room.Advance(SyncRules.CatchingUpMs - 1);
        Assert.Equal(SyncStatuses.CatchingUp, _room.Participant("late").Sync.Status);
        _room.Advance(1);
        Assert.Equal(SyncStatuses.Ok, _room.Participant("late").Sync.Status);
        Buffering("late");
        Assert.Equal(PlaybackStatus.Waiting, _room.Core.State.Playback.Status);
        _room.AssertReplays();
    }

    [Fact]
    public void Tick_PassesHostToTheLongestPresentConnectedCoHost_WhenTheHostStaysAwayPastTheGrace()
    {
        _room.Create(settings: new RoomSettings { HostGraceMs = 5000 });
        _room.Join("host", "h1");
        _room.Join("member", "m1");
        _room.Advance(10);
        _room.Join("co", "c1");
        _room.Join("gone", null);
        _room.Ok(new SetRole("host", "co", ParticipantRoles.CoHost));
        _room.Ok(new SetRole("host", "gone", ParticipantRoles.CoHost));
        _room.Ok(new Disconnect("h1"));
        Assert.Equal(_room.Now + 5000, _room.Core.NextDue());

        _room.Advance(4999);
        Assert.Empty(_room.Tick().Events);
        _room.Advance(1);
        var failover = _room.Tick();

        Assert.Equal(["host_changed", "room_updated"], failover.Events.Select(e => e.Name));
        var changed = (HostChangedEvent)failover.Events[0];
        Assert.Equal(("co", (string?)null), (changed.HostId, changed.By));
        Assert.Equal(ParticipantRoles.CoHost, _room.Participant("host").Role);
        Assert.Null(_room.Core.Presence.HostAwaySince);
        _room.AssertReplays();
    }

    [Fact]
    public void Tick_KeepsTheHost_WhenTheyComeBackWithinTheGrace()
    {
        _room.Create(settings: new RoomSettings { HostGraceMs = 5000 });
        _room.Join("host", "h1");
        _room.Join("member", "m1");
        _room.Ok(new Disconnect("h1"));
        _room.Advance(3000);
        _room.Join("host", "h2");
        _room.Advance(5000);

        Assert.Empty(_room.Tick().Events);
        Assert.Equal("host", _room.View.HostId);
    }

    [Fact]
    public void HostFailover_WaitsForSomeoneToConnect_WhenNobodyIsConnected()
    {
        _room.Create(settings: new RoomSettings { HostGraceMs = 5000 });
        _room.Join("host", "h1");
        _room.Join("member");
        _room.Ok(new Disconnect("h1"));
        _room.Advance(60_000);

        Assert.Null(_room.Core.NextDue());
        Assert.Empty(_room.Tick().Events);
        Assert.Equal("host", _room.View.HostId);

        _room.Join("member", "m1");
        Assert.True(_room.Core.NextDue() <= _room.Now);
        Assert.Equal("member", ((HostChangedEvent)_room.Tick().Events[0]).HostId);
    }

    [Fact]
    public void ScheduledStart_HoldsThePositionUntilItsInstant_WithoutAnEvent()
    {
        _room.Create();
        _room.Join("host", "h1");
        var start = _room.Ok(new UpdatePlayback("host", Play(30)));
        var events = _room.Events.Count;

        Assert.Equal(PlaybackPhase.Scheduled, PlaybackTransitions.PhaseAt(start, _room.Now));
        Assert.Equal(30, PlaybackTransitions.PositionAt(start, start.UpdatedAt - 1));
        _room.Advance(start.UpdatedAt - _room.Now);
        _room.Tick();

        Assert.Equal(PlaybackPhase.Playing, PlaybackTransitions.PhaseAt(_room.Core.State.Playback, _room.Now));
        _room.Advance(2000);
        Assert.Equal(32, PlaybackTransitions.PositionAt(_room.Core.State.Playback, _room.Now), 6);
        Assert.Equal(events, _room.Events.Count);
    }

    [Fact]
    public void Tick_StartsTheNextQueueItem_WhenAVideoOfKnownDurationEnds()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Url = "https://v.test/short.mp4", DurationMs = 1200 }, "Short", "s"));
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Url = "https://v.test/next.mp4" }, "Next", "n"));
        var started = _room.Ok(new PlayNext("host"));
        var end = started.UpdatedAt + 1200;
        Assert.Equal(end, _room.Core.NextDue());

        _room.Advance(end - 1 - _room.Now);
        Assert.Empty(_room.Tick().Events);
        _room.Advance(1);
        var advance = _room.Tick();

        Assert.Equal(["queue_updated", "room_updated", "playback_updated"], advance.Events.Select(e => e.Name));
        Assert.Equal("https://v.test/next.mp4", _room.Core.State.MovieSource.Url);
        Assert.Null(((PlaybackUpdatedEvent)advance.Events[2]).By);
        Assert.True(_room.Core.NextDue() > _room.Now + 1000, "no queue advance is pending without a known duration");
        _room.AssertReplays();
    }

    [Fact]
    public void Tick_DropsANodeThatStoppedResubscribing_WithItsConnections()
    {
        _room.Create(settings: new RoomSettings { HostGraceMs = 5000 });
        _room.Join("host", "h1", node: "node-a");
        _room.Join("guest", "g1", node: "node-b");
        var expiry = (long)_room.Options.NodeExpiry.TotalMilliseconds;

        _room.Advance(expiry - 1);
        _room.Ok(new Subscribe("node-b", [new LocalConnection { ConnectionId = "g1", UserId = "guest" }]));
        _room.Advance(1);
        var expired = _room.Tick();

        Assert.Equal([("host", false)], expired.Events.OfType<PresenceChangedEvent>().Select(e => (e.UserId, e.Connected)));
        Assert.Contains(expired.Notices, n => n is NodeGone { NodeId: "node-a" });
        Assert.True(_room.Participant("guest").Connected);
        Assert.Equal(_room.Now, _room.Core.Presence.HostAwaySince);
        _room.AssertReplays();
    }

    [Fact]
    public void Tick_SendsMemberStatusToControllersOnly_AtMostOnceASecond()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Join("guest", "g1", node: "node-b");
        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Ready, RttMs = 40 }));
        Assert.True(_room.Core.NextDue() <= _room.Now);

        var first = _room.Tick();
        var status = Assert.Single(first.Notices.OfType<Directed>());
        Assert.Equal(("node-a", "h1"), (status.NodeId, status.ConnectionIds.Single()));
        Assert.Equal(40, ((MemberStatusMessage)status.Message).Members.Single(m => m.UserId == "guest").RttMs);

        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Ready, RttMs = 45 }));
        Assert.Equal(_room.Now + SyncRules.MemberStatusIntervalMs, _room.Core.NextDue());
        Assert.Empty(_room.Tick().Notices);
        _room.Advance(SyncRules.MemberStatusIntervalMs);
        Assert.Single(_room.Tick().Notices.OfType<Directed>());
    }
}

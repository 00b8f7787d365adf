using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Tests.Rooms;

/// <summary>Every command of the room core, accepted and refused.</summary>
public sealed class RoomCoreCommandTests
{
    private readonly RoomHarness _room = new();

    private static PlaybackCommand Play(double position = 0, long? baseVersion = null) =>
        new() { Status = PlaybackStatus.Playing, Position = position, BaseVersion = baseVersion };

    [Fact]
    public void Create_MakesTheCreatorHostAndFirstParticipant_PausedAtZeroWithAVideo()
    {
        var view = _room.Create();

        Assert.Equal("host", view.HostId);
        Assert.Equal([("host", ParticipantRoles.Host)], view.Participants.Select(p => (p.UserId, p.Role)));
        Assert.Equal((PlaybackStatus.Paused, 0L, 0L), (view.PlaybackState.Status, view.PlaybackState.Version, view.Seq));
        Assert.Null(_room.Core.State.PasswordHash);
        _room.AssertReplays();
    }

    [Fact]
    public void Create_IsIdleAndKeepsTheHash_WhenPrivateWithoutVideo()
    {
        var view = _room.Create(isPrivate: true, video: new MovieSource());
        Assert.Equal(PlaybackStatus.Idle, view.PlaybackState.Status);
        Assert.Equal("hash:pw", _room.Core.State.PasswordHash);
    }

    [Fact]
    public void Create_RefusesWithRoomExists_WhenTheIdIsTaken()
    {
        _room.Create();
        _room.Refused(new CreateRoom(new CreateRoomCommand { Host = RoomHarness.User("b"), Name = "x", MovieSource = new(), Settings = new() }, p => p), ErrorCodes.RoomExists);
    }

    [Fact]
    public void PasswordCheck_NeedsNoCheck_ForAPublicRoomAParticipantOrABannedUser()
    {
        _room.Create();
        Assert.Null(_room.Ok(new BeginPasswordCheck("guest")));
        Assert.Null(_room.Ok(new BeginPasswordCheck("host")));
    }

    [Fact]
    public void PasswordCheck_AdmitsTheNextJoinOnce_WhenRight_AndRefusesInvalidPassword_WhenWrong()
    {
        _room.Create(isPrivate: true);
        _room.Refused(new JoinRoom(RoomHarness.User("guest"), null, null, false), ErrorCodes.InvalidPassword);

        Assert.Equal("hash:pw", _room.Ok(new BeginPasswordCheck("guest")));
        _room.Refused(new FinishPasswordCheck("guest", Right: false), ErrorCodes.InvalidPassword);
        Assert.Equal("hash:pw", _room.Ok(new BeginPasswordCheck("guest")));
        _room.Ok(new FinishPasswordCheck("guest", Right: true));

        Assert.True(_room.Join("guest").IsNew);
        _room.AssertReplays();
    }

    [Fact]
    public void PasswordCheck_RefusesRateLimited_PastTheLimit_UntilTheWindowPasses()
    {
        _room.Create(isPrivate: true);
        for (var i = 0; i < _room.Options.WrongPasswordLimit; i++)
        {
            _room.Ok(new BeginPasswordCheck("guesser"));
            _room.Refused(new FinishPasswordCheck("guesser", false), ErrorCodes.InvalidPassword);
        }
        _room.Refused(new BeginPasswordCheck("guesser"), ErrorCodes.RateLimited);
        Assert.NotNull(_room.Ok(new BeginPasswordCheck("someone else")));

        _room.Advance((long)_room.Options.WrongPasswordWindow.TotalMilliseconds);
        Assert.NotNull(_room.Ok(new BeginPasswordCheck("guesser")));
        _room.AssertReplays();
    }

    [Fact]
    public void Join_LetsAnInvitedUserIntoAPrivateRoom_WithoutPassword()
    {
        _room.Create(isPrivate: true);
        Assert.True(_room.Join("guest", invited: true).IsNew);
    }

    [Fact]
    public void Join_AnnouncesAConnectedNewMember_AndTellsTheJoinersNode()
    {
        _room.Create();
        var reply = _room.Join("guest", "c1");

        Assert.True(reply.IsNew);
        Assert.Equal(0, reply.SeqBefore);
        var joined = Assert.Single(_room.EventsOf<UserJoinedEvent>());
        Assert.Equal(("guest", ParticipantRoles.Member, true, 1L), (joined.User.UserId, joined.User.Role, joined.User.Connected, joined.Seq));
        Assert.Contains(_room.Notices, n => n is NodeListening { NodeId: "node-a" });
        var toJoiner = Assert.Single(_room.Notices.OfType<ConnectionJoined>());
        Assert.Equal(("c1", 1L), (toJoiner.ConnectionId, toJoiner.Joined.Seq));
        Assert.True(reply.Result.Room.Participants.Single(p => p.UserId == "guest").Connected);
    }

    [Fact]
    public void Join_AnnouncesPresenceNotAJoin_WhenAMemberReconnects_AndNothing_WhenAlreadyConnected()
    {
        _room.Create();
        _room.Join("guest", "c1");
        _room.Ok(new Disconnect("c1"));
        var back = _room.Join("guest", "c2");
        _room.Join("guest", "c3", node: "node-b");

        Assert.False(back.IsNew);
        Assert.Single(_room.EventsOf<UserJoinedEvent>());
        Assert.Equal([false, true], _room.EventsOf<PresenceChangedEvent>().Select(e => e.Connected));
        _room.AssertReplays();
    }

    [Fact]
    public void Join_MakesTheJoinerHost_WhenTheRoomWasEmptied()
    {
        _room.Create();
        _room.Ok(new LeaveRoom("host"));
        _room.Join("guest");

        Assert.Equal("guest", _room.View.HostId);
        Assert.Equal(ParticipantRoles.Host, _room.Participant("guest").Role);
    }

    [Fact]
    public void Join_Refuses_WhenNoRoomClosedBannedOrFull()
    {
        _room.Refused(new JoinRoom(RoomHarness.User("a"), null, null, false), ErrorCodes.RoomNotFound);
        _room.Create(settings: new RoomSettings { MaxParticipants = 2 });
        _room.Join("a");
        _room.Refused(new JoinRoom(RoomHarness.User("b"), null, null, false), ErrorCodes.RoomFull);
        _room.Ok(new Kick("host", "a", Ban: true));
        _room.Refused(new JoinRoom(RoomHarness.User("a"), null, null, true), ErrorCodes.Banned);
        _room.Ok(new CloseRoom("host"));
        _room.Refused(new JoinRoom(RoomHarness.User("b"), null, null, false), ErrorCodes.RoomClosed);
    }

    [Fact]
    public void Leave_HandsHostToTheLongestPresent_AndRemovesTheConnections()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Advance(10);
        _room.Join("first");
        _room.Advance(10);
        _room.Join("second");

        _room.Ok(new LeaveRoom("host"));

        Assert.Equal("first", _room.View.HostId);
        Assert.Equal(["user_left", "room_updated"], _room.Events.TakeLast(2).Select(e => e.Name));
        Assert.Contains(_room.Notices, n => n is ConnectionRemoved { ConnectionId: "h1" });
        Assert.Contains(_room.Notices, n => n is NodeGone { NodeId: "node-a" });
        _room.Refused(new LeaveRoom("host"), ErrorCodes.NotMember);
        _room.AssertReplays();
    }

    [Fact]
    public void Leave_RefusesRoomNotFound_WhenThereIsNoRoom() =>
        _room.Refused(new LeaveRoom("a"), ErrorCodes.RoomNotFound);

    [Fact]
    public void UpdatePlayback_SchedulesTheStartTwiceTheSlowestRttAhead()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Join("guest", "g1");
        _room.Ok(new ReportRtt("g1", 300));

        var state = _room.Ok(new UpdatePlayback("host", Play(30)));

        Assert.Equal((PlaybackStatus.Playing, 30.0, _room.Now + 600, 1L), (state.Status, state.Position, state.UpdatedAt, state.Version));
        var updated = _room.EventsOf<PlaybackUpdatedEvent>().Single();
        Assert.Equal("host", updated.By);
    }

    [Fact]
    public void UpdatePlayback_Refuses_WhenNotAMemberNotHostBadValuesOrStale()
    {
        _room.Create();
        _room.Join("guest");
        _room.Refused(new UpdatePlayback("stranger", Play()), ErrorCodes.NotMember);
        _room.Refused(new UpdatePlayback("guest", Play()), ErrorCodes.NotHost);
        _room.Refused(new UpdatePlayback("host", Play(-1)), ErrorCodes.InvalidPayload);
        _room.Ok(new UpdatePlayback("host", Play(baseVersion: 0)));

        var stale = _room.Refused(new UpdatePlayback("host", Play(baseVersion: 0)), ErrorCodes.StaleVersion);
        Assert.Equal(1, stale.Value!.Version);
    }

    [Fact]
    public void SendChat_TrimsTheText_AndRefusesEmptyOrDisabled()
    {
        _room.Create();
        var message = _room.Ok(new SendChat("host", "  hi  ", "m0"));
        Assert.Equal(("hi", "Name of host", _room.Now), (message.Text, message.DisplayName, message.SentAt));
        Assert.Equal("hi", Assert.Single(_room.EventsOf<NewChatMessageEvent>()).Message.Text);

        _room.Refused(new SendChat("host", "   ", "x"), ErrorCodes.InvalidPayload);
        _room.Refused(new SendChat("host", new string('a', TextRules.ChatMaxLength + 1), "x"), ErrorCodes.InvalidPayload);
        _room.Refused(new SendChat("stranger", "hi", "x"), ErrorCodes.NotMember);
        _room.Ok(new UpdateSettings("host", new SettingsPatch { ChatEnabled = false }));
        _room.Refused(new SendChat("host", "hi", "x"), ErrorCodes.ChatDisabled);
        _room.AssertReplays();
    }

    [Fact]
    public void React_Broadcasts_AndRefusesBadEmojiOrDisabled()
    {
        _room.Create();
        _room.Ok(new React("host", "🎉"));
        Assert.Equal("🎉", _room.EventsOf<NewReactionEvent>().Single().Emoji);

        _room.Refused(new React("host", " "), ErrorCodes.InvalidPayload);
        _room.Refused(new React("host", new string('x', TextRules.EmojiMaxLength + 1)), ErrorCodes.InvalidPayload);
        _room.Ok(new UpdateSettings("host", new SettingsPatch { ReactionsEnabled = false }));
        _room.Refused(new React("host", "🎉"), ErrorCodes.ReactionsDisabled);
    }

    [Fact]
    public void SetVideo_ResetsPlaybackToPausedAtZero_AndIsForControllersOnly()
    {
        _room.Create();
        _room.Join("guest");
        _room.Ok(new UpdatePlayback("host", Play(50)));
        _room.Refused(new SetVideo("guest", RoomHarness.Video), ErrorCodes.NotHost);

        var view = _room.Ok(new SetVideo("host", RoomHarness.Video with { Url = "https://v.test/other.mp4" }));

        Assert.Equal((PlaybackStatus.Paused, 0.0, 2L), (view.PlaybackState.Status, view.PlaybackState.Position, view.PlaybackState.Version));
        Assert.Equal("https://v.test/other.mp4", _room.EventsOf<RoomUpdatedEvent>().Single().Room.MovieSource.Url);
    }

    [Fact]
    public void Close_RemovesEveryConnection_AndLaterCommandsAnswerRoomClosed()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Join("guest", "g1", node: "node-b");
        _room.Refused(new CloseRoom("guest"), ErrorCodes.NotHost);

        _room.Ok(new CloseRoom("host"));

        Assert.Single(_room.EventsOf<RoomClosedEvent>());
        Assert.Equal(["g1", "h1"], _room.Notices.OfType<ConnectionRemoved>().Select(n => n.ConnectionId).Order());
        Assert.Equal(["node-a", "node-b"], _room.Notices.OfType<NodeGone>().Select(n => n.NodeId).Order());
        _room.Refused(new SendChat("host", "hi", "x"), ErrorCodes.RoomClosed);
        Assert.Equal(["h1"], _room.Ok(new Subscribe("node-a", [new LocalConnection { ConnectionId = "h1", UserId = "host" }])));
        _room.AssertReplays();
    }

    [Fact]
    public void Disconnect_AnnouncesPresenceOnlyForTheLastConnection_AndStartsTheHostsGrace()
    {
        _room.Create();
        _room.Join("host", "h1");
        _room.Join("host", "h2", node: "node-b");

        _room.Ok(new Disconnect("h1"));
        Assert.DoesNotContain(_room.EventsOf<PresenceChangedEvent>(), e => !e.Connected);
        _room.Ok(new Disconnect("h2"));
        _room.Ok(new Disconnect("unknown"));

        Assert.Equal([true, false], _room.EventsOf<PresenceChangedEvent>().Select(e => e.Connected));
        Assert.Equal(_room.Now, _room.Core.Presence.HostAwaySince);
        Assert.Equal(["node-a", "node-b"], _room.Notices.OfType<NodeGone>().Select(n => n.NodeId).Order());
    }

    [Fact]
    public void Subscribe_KeepsParticipantsOnly_AndNeverARemovedConnection()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Ok(new Kick("host", "guest", Ban: false));
        _room.Join("guest", "g2");

        var refused = _room.Ok(new Subscribe("node-a",
        [
            new LocalConnection { ConnectionId = "g1", UserId = "guest" },
            new LocalConnection { ConnectionId = "g2", UserId = "guest" },
            new LocalConnection { ConnectionId = "s1", UserId = "stranger" },
        ]));

        Assert.Equal(["g1", "s1"], refused);
        Assert.Equal([("g2", "node-a")], _room.Core.Presence.OfUser("guest"));
        Assert.Empty(_room.Ok(new Subscribe("node-a", [])));
        Assert.False(_room.Participant("guest").Connected);
        Assert.IsType<NodeGone>(_room.Notices[^1]);
        _room.AssertReplays();
    }

    [Fact]
    public void ReportRtt_IsTheMemberSync_AndTheLowestOfTheirConnections()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Join("guest", "g2");
        _room.Ok(new ReportRtt("g1", 120));
        _room.Ok(new ReportRtt("g2", 80));
        _room.Ok(new ReportRtt("nobody", 10));

        Assert.Equal(80, _room.Participant("guest").Sync.RttMs);
        Assert.Equal(80, _room.Core.Presence.UserRtt("guest"));
    }

    [Fact]
    public void ReportStatus_BufferingHoldsThePlayingRoom_AndReadyResumesItScheduled()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Ok(new UpdatePlayback("host", Play(5)));
        _room.Advance(1000);

        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Buffering, Position = 5 }));
        var waiting = _room.Core.State.Playback;
        Assert.Equal((PlaybackStatus.Waiting, 2L), (waiting.Status, waiting.Version));
        Assert.Equal(PlaybackPhase.Waiting, PlaybackTransitions.PhaseAt(waiting, _room.Now));
        Assert.Equal("guest", _room.EventsOf<PlaybackUpdatedEvent>()[^1].By);
        Assert.Equal(SyncStatuses.Buffering, _room.Participant("guest").Sync.Status);

        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Ready, Position = 5 }));
        var resumed = _room.EventsOf<PlaybackUpdatedEvent>()[^1];
        Assert.Equal((PlaybackStatus.Playing, 3L, (string?)null), (resumed.PlaybackState.Status, resumed.PlaybackState.Version, resumed.By));
        Assert.True(resumed.PlaybackState.UpdatedAt >= _room.Now + SyncRules.MinLeadMs);
        Assert.Equal(SyncStatuses.Ok, _room.Participant("guest").Sync.Status);
        _room.Refused(new ReportStatus("stranger", new StatusReport { State = MemberStates.Ready }), ErrorCodes.NotMember);
        _room.Refused(new ReportStatus("guest", new StatusReport { State = "asleep" }), ErrorCodes.InvalidPayload);
        _room.Refused(new ReportStatus("guest", new StatusReport { State = MemberStates.Ready, Position = double.NaN }), ErrorCodes.InvalidPayload);
        _room.AssertReplays();
    }

    [Fact]
    public void ReportStatus_BufferingDoesNotHoldTheRoom_WhenWaitForBufferingIsOff()
    {
        _room.Create(settings: new RoomSettings { WaitForBuffering = false });
        _room.Join("guest", "g1");
        _room.Ok(new UpdatePlayback("host", Play()));
        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Buffering }));
        Assert.Equal(PlaybackStatus.Playing, _room.Core.State.Playback.Status);
    }

    [Fact]
    public void ReportStatus_EndedFromAControllerAdvancesTheQueue_AndFromAMemberDoesNot()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Url = "https://v.test/next.mp4" }, "Next", "q1"));
        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Ended }));
        Assert.Single(_room.Core.State.Queue);

        _room.Ok(new ReportStatus("host", new StatusReport { State = MemberStates.Ended }));

        Assert.Empty(_room.Core.State.Queue);
        Assert.Equal(("https://v.test/next.mp4", "Next"), (_room.Core.State.MovieSource.Url, _room.Core.State.MovieSource.Name));
        Assert.Null(_room.EventsOf<PlaybackUpdatedEvent>()[^1].By);
    }

    [Fact]
    public void ReportStatus_MeasuresDrift_WhilePlaying()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Ok(new UpdatePlayback("host", Play(100)));
        _room.Advance(10_000);
        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Ready, Position = 50, RttMs = 30 }));

        var sync = _room.Participant("guest").Sync;
        Assert.InRange(sync.DriftMs, -60_000, -59_000);
        Assert.Equal(30, sync.RttMs);
    }

    [Fact]
    public void SetRole_MakesACoHost_AndRefusesMembersBadRolesStrangersAndTheHost()
    {
        _room.Create();
        _room.Join("a");
        _room.Join("b");
        _room.Refused(new SetRole("a", "b", ParticipantRoles.CoHost), ErrorCodes.NotHost);
        _room.Refused(new SetRole("host", "b", ParticipantRoles.Host), ErrorCodes.InvalidPayload);
        _room.Refused(new SetRole("host", "nobody", ParticipantRoles.CoHost), ErrorCodes.NotMember);
        _room.Refused(new SetRole("host", "host", ParticipantRoles.Member), ErrorCodes.Forbidden);

        _room.Ok(new SetRole("host", "a", ParticipantRoles.CoHost));
        _room.Ok(new SetRole("host", "a", ParticipantRoles.CoHost));

        Assert.Single(_room.EventsOf<RoleChangedEvent>());
        Assert.Equal(ParticipantRoles.CoHost, _room.Participant("a").Role);
        _room.Ok(new SetVideo("a", RoomHarness.Video));
        _room.Refused(new SetRole("a", "b", ParticipantRoles.CoHost), ErrorCodes.NotHost);
    }

    [Fact]
    public void TransferHost_MakesTheOldHostCoHost_AndAnnouncesIt()
    {
        _room.Create();
        _room.Join("a");
        _room.Refused(new TransferHost("host", "host"), ErrorCodes.NotMember);
        _room.Refused(new TransferHost("host", "nobody"), ErrorCodes.NotMember);
        _room.Refused(new TransferHost("a", "host"), ErrorCodes.NotHost);

        _room.Ok(new TransferHost("host", "a"));

        Assert.Equal(["host_changed", "room_updated"], _room.Events.TakeLast(2).Select(e => e.Name));
        Assert.Equal("host", _room.EventsOf<HostChangedEvent>().Single().By);
        Assert.Equal((ParticipantRoles.CoHost, ParticipantRoles.Host), (_room.Participant("host").Role, _room.Participant("a").Role));
        _room.AssertReplays();
    }

    [Fact]
    public void Kick_WithBan_TellsTheMemberFirst_RemovesThem_AndBlocksTheirReturn()
    {
        _room.Create();
        _room.Join("guest", "g1");

        _room.Ok(new Kick("host", "guest", Ban: true));

        var kicked = Assert.Single(_room.Notices.OfType<Directed>());
        Assert.True(kicked.BeforeEvents);
        Assert.Equal(["g1"], kicked.ConnectionIds);
        Assert.True(((KickedMessage)kicked.Message).Banned);
        Assert.Equal("guest", _room.EventsOf<UserLeftEvent>().Single().UserId);
        Assert.Contains("guest", _room.Core.State.Banned);
        Assert.True(_room.Core.Presence.WasRemoved("g1"));
        _room.AssertReplays();
    }

    [Fact]
    public void Kick_BansSomeoneNotInTheRoom_WithoutAnEvent()
    {
        _room.Create();
        _room.Ok(new Kick("host", "outsider", Ban: true));
        Assert.Contains("outsider", _room.Core.State.Banned);
        Assert.Empty(_room.Events);
        _room.Refused(new Kick("host", "outsider", Ban: true), ErrorCodes.NotMember);
        _room.Refused(new Kick("host", "other", Ban: false), ErrorCodes.NotMember);
    }

    [Fact]
    public void Kick_Refuses_TheHostCoHostsByACoHostYourselfAndAFullBanList()
    {
        var room = new RoomHarness(new RoomGrainOptions { MaxBans = 1 });
        room.Create();
        room.Join("co");
        room.Join("co2");
        room.Join("member");
        room.Ok(new SetRole("host", "co", ParticipantRoles.CoHost));
        room.Ok(new SetRole("host", "co2", ParticipantRoles.CoHost));
        room.Refused(new Kick("member", "co", false), ErrorCodes.NotHost);
        room.Refused(new Kick("co", "host", false), ErrorCodes.Forbidden);
        room.Refused(new Kick("co", "co2", false), ErrorCodes.Forbidden);
        room.Refused(new Kick("host", "host", false), ErrorCodes.Forbidden);
        room.Ok(new Kick("host", "outsider", true));
        room.Refused(new Kick("host", "member", true), ErrorCodes.LimitReached);
        room.Ok(new Kick("co", "member", false));
    }

    [Fact]
    public void UpdateSettings_MergesAndAnnounces_AndRefusesOutOfRangeOrNotHost()
    {
        _room.Create();
        _room.Join("a");
        _room.Refused(new UpdateSettings("a", new SettingsPatch { ChatEnabled = false }), ErrorCodes.NotHost);
        _room.Refused(new UpdateSettings("host", new SettingsPatch { BufferTimeoutMs = 10 }), ErrorCodes.InvalidPayload);
        _room.Refused(new UpdateSettings("host", new SettingsPatch { HostGraceMs = 1_000_000 }), ErrorCodes.InvalidPayload);
        _room.Refused(new UpdateSettings("host", new SettingsPatch { MaxParticipants = 1 }), ErrorCodes.InvalidPayload);

        var merged = _room.Ok(new UpdateSettings("host", new SettingsPatch { ChatEnabled = false, BufferTimeoutMs = 2000 }));
        _room.Ok(new UpdateSettings("host", new SettingsPatch { ChatEnabled = false }));

        Assert.Equal((false, true, 2000), (merged.ChatEnabled, merged.ReactionsEnabled, merged.BufferTimeoutMs));
        Assert.Single(_room.EventsOf<RoomUpdatedEvent>());
    }

    [Fact]
    public void UpdateSettings_ResumesAWaitingRoom_WhenWaitForBufferingIsTurnedOff()
    {
        _room.Create();
        _room.Join("guest", "g1");
        _room.Ok(new UpdatePlayback("host", Play()));
        _room.Ok(new ReportStatus("guest", new StatusReport { State = MemberStates.Buffering }));

        _room.Ok(new UpdateSettings("host", new SettingsPatch { WaitForBuffering = false }));

        Assert.Equal(PlaybackStatus.Playing, _room.Core.State.Playback.Status);
        Assert.Null(_room.EventsOf<PlaybackUpdatedEvent>()[^1].By);
    }

    [Fact]
    public void Queue_AddRemoveMove_AreForControllers_AndRefuseUnknownItemsNoVideoOrAFullQueue()
    {
        var room = new RoomHarness(new RoomGrainOptions { MaxQueueLength = 3 });
        room.Create();
        room.Join("member");
        room.Refused(new QueueAdd("member", RoomHarness.Video, null, "x"), ErrorCodes.NotHost);
        room.Refused(new QueueAdd("host", new MovieSource(), null, "x"), ErrorCodes.InvalidPayload);
        var item = room.Ok(new QueueAdd("host", RoomHarness.Video with { Name = "Film", DurationMs = 5000 }, null, "a"));
        room.Ok(new QueueAdd("host", RoomHarness.Video, "B", "b"));
        room.Ok(new QueueAdd("host", RoomHarness.Video, "C", "c"));
        room.Refused(new QueueAdd("host", RoomHarness.Video, "D", "d"), ErrorCodes.LimitReached);
        Assert.Equal(("a", "Film", 5000L), (item.ItemId, item.Title, item.DurationMs));

        room.Ok(new QueueMove("host", "c", -5));
        room.Ok(new QueueMove("host", "a", 99));
        Assert.Equal(["c", "b", "a"], room.Core.State.Queue.Select(i => i.ItemId));
        room.Refused(new QueueMove("host", "zz", 0), ErrorCodes.ItemNotFound);
        room.Ok(new QueueRemove("host", "b"));
        room.Refused(new QueueRemove("host", "b"), ErrorCodes.ItemNotFound);
        Assert.Equal(["c", "a"], room.EventsOf<QueueUpdatedEvent>()[^1].Queue.Select(i => i.ItemId));
        room.AssertReplays();
    }

    [Fact]
    public void PlayNext_StartsTheFirstItemScheduled_AndRefusesAnEmptyQueue()
    {
        _room.Create();
        _room.Refused(new PlayNext("host"), ErrorCodes.ItemNotFound);
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Url = "https://v.test/1.mp4" }, "One", "one"));

        var state = _room.Ok(new PlayNext("host"));

        Assert.Equal((PlaybackStatus.Playing, 0.0, 1L), (state.Status, state.Position, state.Version));
        Assert.True(state.UpdatedAt > _room.Now);
        Assert.Equal(["queue_updated", "queue_updated", "room_updated", "playback_updated"], _room.Events.Select(e => e.Name));
        Assert.Equal("host", _room.EventsOf<PlaybackUpdatedEvent>()[^1].By);
        Assert.Equal(_room.Events.Select((_, i) => (long)i + 1), _room.Events.Select(e => e.Seq));
    }

    [Fact]
    public void RecordInvite_IsBoundedByLiveInvites_AndDropsExpiredOnes()
    {
        var room = new RoomHarness(new RoomGrainOptions { MaxPendingInvites = 2 });
        room.Create();
        room.Join("member");
        var events = room.Events.Count;
        room.Refused(new RecordInvite("member", room.Now + 1000), ErrorCodes.NotHost);
        room.Ok(new RecordInvite("host", room.Now + 1000));
        room.Ok(new RecordInvite("host", room.Now + 5000));
        room.Refused(new RecordInvite("host", room.Now + 5000), ErrorCodes.LimitReached);

        room.Advance(1000);
        room.Ok(new RecordInvite("host", room.Now + 5000));

        Assert.Equal(2, room.Core.State.InviteExpiries.Count);
        Assert.Equal(events, room.Events.Count);
        room.AssertReplays();
    }
}

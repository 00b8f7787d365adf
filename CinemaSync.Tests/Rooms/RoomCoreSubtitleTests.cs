using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Tests.Rooms;

/// <summary>The subtitle tracks of the room's video and each member's own choice.</summary>
public sealed class RoomCoreSubtitleTests
{
    private readonly RoomHarness _room = new();

    private static SubtitleTrack Track(string id, string language = "en", string url = "https://s.test/en.srt") =>
        new() { TrackId = id, Label = "Track " + id, Language = language, Source = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = url } };

    [Fact]
    public void SubtitleAdd_PutsTheTrackOnTheVideo_AndAnnouncesRoomUpdated()
    {
        _room.Create();
        var track = _room.Ok(new SubtitleAdd("host", Track("t1")));

        Assert.Equal("t1", track.TrackId);
        Assert.Equal(["t1"], _room.View.MovieSource.Tracks.Select(t => t.TrackId));
        Assert.Equal(["t1"], _room.EventsOf<RoomUpdatedEvent>()[^1].Room.MovieSource.Tracks.Select(t => t.TrackId));
        _room.AssertReplays();
    }

    [Fact]
    public void SubtitleAddRemove_AreRefusedWithNotHost_ForAPlainMember_AndAllowedForACoHost()
    {
        _room.Create();
        _room.Join("member");
        _room.Join("co");
        _room.Ok(new SetRole("host", "co", ParticipantRoles.CoHost));

        _room.Refused(new SubtitleAdd("member", Track("t1")), ErrorCodes.NotHost);
        _room.Refused(new SubtitleAdd("stranger", Track("t1")), ErrorCodes.NotMember);
        _room.Ok(new SubtitleAdd("co", Track("t1")));
        _room.Refused(new SubtitleRemove("member", "t1"), ErrorCodes.NotHost);
        _room.Refused(new SetSubtitleDefault("member", "t1"), ErrorCodes.NotHost);
        _room.Ok(new SubtitleRemove("co", "t1"));
        _room.Refused(new SubtitleRemove("co", "t1"), ErrorCodes.TrackNotFound);
        Assert.Empty(_room.View.MovieSource.Tracks);
        _room.AssertReplays();
    }

    [Fact]
    public void SubtitleAdd_RefusesBadValues_NoVideo_AndMoreThanTheCap()
    {
        _room.Create();
        _room.Refused(new SubtitleAdd("host", Track("t") with { Label = "" }), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleAdd("host", Track("t") with { Label = new string('x', SubtitleValues.LabelMaxLength + 1) }), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleAdd("host", Track("t", language: "english please")), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleAdd("host", Track("t", url: "https://s.test/en.txt")), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleAdd("host", Track("t", url: "ftp://s.test/en.srt")), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleAdd("host", Track("t") with { Source = new MovieSource() }), ErrorCodes.InvalidPayload);
        for (var i = 0; i < SubtitleValues.MaxTracks; i++) _room.Ok(new SubtitleAdd("host", Track("t" + i, language: "pt-BR")));
        _room.Refused(new SubtitleAdd("host", Track("one-too-many")), ErrorCodes.LimitReached);

        var empty = new RoomHarness();
        empty.Create(video: new MovieSource());
        empty.Refused(new SubtitleAdd("host", Track("t")), ErrorCodes.InvalidPayload);
    }

    [Fact]
    public void ChooseSubtitle_IsKeptPerMember_NeverBroadcast_AndRestoredOnRejoin()
    {
        _room.Create();
        _room.Ok(new SubtitleAdd("host", Track("en")));
        _room.Ok(new SubtitleAdd("host", Track("pt", language: "pt")));
        _room.Join("ana", "c-ana");
        _room.Join("bo", "c-bo");
        var eventsBefore = _room.Events.Count;

        var ana = _room.Ok(new ChooseSubtitle("ana", "pt"));
        _room.Ok(new ChooseSubtitle("bo", null));

        Assert.Equal(new SubtitleChoice { TrackId = "pt", Chosen = true }, ana);
        Assert.Equal(eventsBefore, _room.Events.Count);
        Assert.Equal(new SubtitleChoice { TrackId = null, Chosen = true }, _room.Core.SubtitleOf("bo"));
        Assert.Equal(new SubtitleChoice { TrackId = null, Chosen = false }, _room.Core.SubtitleOf("host"));

        _room.Ok(new LeaveRoom("ana"));
        var rejoined = _room.Join("ana", "c-ana-2");
        Assert.Equal(new SubtitleChoice { TrackId = "pt", Chosen = true }, rejoined.Result.Subtitle);
        _room.AssertReplays();
    }

    [Fact]
    public void SubtitleDefault_AppliesUntilAMemberChooses_AndATrackRemovedFallsBackToIt()
    {
        _room.Create();
        _room.Ok(new SubtitleAdd("host", Track("en")));
        _room.Ok(new SubtitleAdd("host", Track("pt", language: "pt")));
        _room.Join("ana");
        _room.Refused(new SetSubtitleDefault("host", "zz"), ErrorCodes.TrackNotFound);
        _room.Refused(new ChooseSubtitle("ana", "zz"), ErrorCodes.TrackNotFound);
        _room.Refused(new ChooseSubtitle("stranger", null), ErrorCodes.NotMember);

        _room.Ok(new SetSubtitleDefault("host", "en"));
        Assert.Equal(new SubtitleChoice { TrackId = "en", Chosen = false }, _room.Join("ana").Result.Subtitle);
        _room.Ok(new ChooseSubtitle("ana", "pt"));
        _room.Ok(new SubtitleRemove("host", "pt"));
        Assert.Equal(new SubtitleChoice { TrackId = "en", Chosen = false }, _room.Core.SubtitleOf("ana"));
        _room.Ok(new SubtitleRemove("host", "en"));
        Assert.Null(_room.View.MovieSource.SubtitleDefault);
        _room.AssertReplays();
    }

    [Fact]
    public void PlayNext_BringsTheQueuedItemsTracks_AndANewVideoDropsTheOldOnes()
    {
        _room.Create();
        _room.Ok(new SubtitleAdd("host", Track("old")));
        var next = RoomHarness.Video with { Url = "https://v.test/2.mp4", Subtitles = [Track("next")], SubtitleDefault = "next" };
        _room.Ok(new QueueAdd("host", next, "Two", "q"));

        _room.Ok(new PlayNext("host"));

        Assert.Equal(["next"], _room.View.MovieSource.Tracks.Select(t => t.TrackId));
        Assert.Equal("next", _room.Core.SubtitleOf("host").TrackId);
        _room.Ok(new SetVideo("host", RoomHarness.Video));
        Assert.Empty(_room.View.MovieSource.Tracks);
        _room.AssertReplays();
    }

    [Fact]
    public void SubtitleRename_ChangesOnlyTheValuesGiven_AndAnnouncesRoomUpdated()
    {
        _room.Create();
        _room.Join("member");
        _room.Ok(new SubtitleAdd("host", Track("t1")));
        _room.Ok(new SetSubtitleDefault("host", "t1"));
        var updates = _room.EventsOf<RoomUpdatedEvent>().Count;

        var renamed = _room.Ok(new SubtitleRename("host", "t1", "English (SDH)", null));
        var relabelled = _room.Ok(new SubtitleRename("host", "t1", null, "en-GB"));

        Assert.Equal(("t1", "English (SDH)", "en-GB"), (relabelled.TrackId, relabelled.Label, relabelled.Language));
        Assert.Equal("English (SDH)", renamed.Label);
        Assert.Equal(relabelled, _room.View.MovieSource.Tracks.Single());
        Assert.Equal("t1", _room.View.MovieSource.SubtitleDefault);
        Assert.Equal(updates + 2, _room.EventsOf<RoomUpdatedEvent>().Count);
        _room.Ok(new SubtitleRename("host", "t1", "English (SDH)", null));
        Assert.Equal(updates + 2, _room.EventsOf<RoomUpdatedEvent>().Count);
        _room.AssertReplays();
    }

    [Fact]
    public void SubtitleRename_RefusesAPlainMember_AnUnknownTrack_AndBadValues()
    {
        _room.Create();
        _room.Join("member");
        _room.Ok(new SubtitleAdd("host", Track("t1")));

        _room.Refused(new SubtitleRename("member", "t1", "Mine", null), ErrorCodes.NotHost);
        _room.Refused(new SubtitleRename("stranger", "t1", "Mine", null), ErrorCodes.NotMember);
        _room.Refused(new SubtitleRename("host", "nope", "Mine", null), ErrorCodes.TrackNotFound);
        var tooLong = _room.Refused(new SubtitleRename("host", "t1", new string('x', SubtitleValues.LabelMaxLength + 1), null), ErrorCodes.InvalidPayload);
        Assert.StartsWith("label ", tooLong.Message);
        _room.Refused(new SubtitleRename("host", "t1", "Two\nlines", null), ErrorCodes.InvalidPayload);
        _room.Refused(new SubtitleRename("host", "t1", null, "english please"), ErrorCodes.InvalidPayload);
        Assert.Equal("Track t1", _room.View.MovieSource.Tracks.Single().Label);
    }

    [Fact]
    public void QueueAdd_RefusesMoreTracksThanAVideoCarries_AndABadTrack()
    {
        _room.Create();
        var many = Enumerable.Range(0, SubtitleValues.MaxTracks + 1).Select(i => Track("t" + i)).ToList();

        var tooMany = _room.Refused(new QueueAdd("host", RoomHarness.Video with { Subtitles = many }, null, "q"), ErrorCodes.InvalidPayload);
        var bad = _room.Refused(new QueueAdd("host", RoomHarness.Video with { Subtitles = [Track("t", url: "https://s.test/en.txt")] }, null, "q"), ErrorCodes.InvalidPayload);

        Assert.Contains($"at most {SubtitleValues.MaxTracks}", tooMany.Message);
        Assert.StartsWith("subtitles: source.url", bad.Message);
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Subtitles = many[..SubtitleValues.MaxTracks] }, null, "q"));
    }

    [Fact]
    public void Tick_AdvancesToTheNextItem_WithItsTracks_ClearingTheOldDefault_AndKeepingAChosenNone()
    {
        _room.Create(video: RoomHarness.Video with { DurationMs = 10_000 });
        _room.Join("ana");
        _room.Join("bo");
        _room.Ok(new SubtitleAdd("host", Track("old")));
        _room.Ok(new SetSubtitleDefault("host", "old"));
        _room.Ok(new ChooseSubtitle("ana", "old"));
        _room.Ok(new ChooseSubtitle("bo", null));
        _room.Ok(new QueueAdd("host", RoomHarness.Video with { Url = "https://v.test/2.mp4", Subtitles = [Track("fr", "fr"), Track("de", "de")] }, "Two", "q"));
        var playing = _room.Ok(new UpdatePlayback("host", new PlaybackCommand { Status = PlaybackStatus.Playing, Position = 0 }));

        _room.Advance(playing.UpdatedAt - _room.Now + 10_000);
        _room.Tick();

        Assert.Equal("https://v.test/2.mp4", _room.View.MovieSource.Url);
        Assert.Equal(["fr", "de"], _room.View.MovieSource.Tracks.Select(t => t.TrackId));
        Assert.Null(_room.View.MovieSource.SubtitleDefault);
        Assert.Equal(new SubtitleChoice { TrackId = null, Chosen = false }, _room.Core.SubtitleOf("ana"));
        Assert.Equal(new SubtitleChoice { TrackId = null, Chosen = true }, _room.Core.SubtitleOf("bo"));
        Assert.Null(_room.EventsOf<PlaybackUpdatedEvent>()[^1].By);
        _room.AssertReplays();
    }

    [Fact]
    public void RememberedChoices_AreBounded_DroppingThoseWhoLeftFirst()
    {
        _room.Create();
        _room.Ok(new SubtitleAdd("host", Track("en")));
        _room.Ok(new ChooseSubtitle("host", "en"));
        for (var i = 0; i < SubtitleValues.MaxRememberedChoices; i++)
        {
            _room.Join("u" + i);
            _room.Ok(new ChooseSubtitle("u" + i, null));
            _room.Ok(new LeaveRoom("u" + i));
        }
        Assert.Equal(SubtitleValues.MaxRememberedChoices, _room.Core.State.SubtitleChoices.Count);
        Assert.Equal(new SubtitleChoice { TrackId = "en", Chosen = true }, _room.Core.SubtitleOf("host"));
        Assert.DoesNotContain(_room.Core.State.SubtitleChoices, c => c.UserId == "u0");
    }
}

using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Rooms;

/// <summary>The room's changes are what a journal stores: plain records that survive a JSON round trip.</summary>
public sealed class RoomChangeJsonTests
{
    private static readonly PlaybackState Playback = new() { Status = PlaybackStatus.Playing, Position = 12.5, Rate = 1.25, UpdatedAt = 1_000, Version = 3 };
    private static readonly QueueItem Item = new() { ItemId = "q1", MovieSource = new MovieSource { Type = MovieSourceTypes.DirectLink, Url = "https://v.test/a.mp4" }, Title = "A", DurationMs = 5000 };

    private static readonly RoomChange[] Samples =
    [
        new RoomCreated("Night", "host", "Host", true, "hash", Item.MovieSource, new RoomSettings { MaxParticipants = 5 }, Playback) { At = 1 },
        new MemberJoined("u", "U", ParticipantRoles.Member) { At = 2, Seq = 1 },
        new MemberLeft("u", Banned: true, HeirId: "v") { At = 3, Seq = 2 },
        new RoomAnnounced { At = 4, Seq = 3 },
        new PlaybackChanged(Playback, By: null) { At = 5, Seq = 4 },
        new ChatPosted(new ChatMessage { MessageId = "m", UserId = "u", DisplayName = "U", Text = "hi ✨", SentAt = 6 }) { At = 6, Seq = 5 },
        new ReactionSent("u", "🎉") { At = 7, Seq = 6 },
        new VideoChanged(Item.MovieSource with { DurationMs = 9 }, Playback) { At = 8, Seq = 7 },
        new SettingsChanged(new RoomSettings { ChatEnabled = false }) { At = 9, Seq = 8 },
        new RoomClosed { At = 10, Seq = 9 },
        new HostChanged("v", By: "u") { At = 11, Seq = 10 },
        new RoleChanged("v", ParticipantRoles.CoHost) { At = 12, Seq = 11 },
        new PresenceChanged("v", Connected: true) { At = 13, Seq = 12 },
        new QueueChanged([Item]) { At = 14, Seq = 13 },
        new UserBanned("w") { At = 15 },
        new InviteRecorded(99_000) { At = 16 },
        new ConnectionOpened("c", "u", "node") { At = 17 },
        new ConnectionClosed("c", Removed: true) { At = 18 },
        new NodeSubscribed("node", [new LocalConnection { ConnectionId = "c", UserId = "u" }]) { At = 19 },
        new NodeExpired("node") { At = 20 },
        new RttReported("c", 42) { At = 21 },
        new SyncChanged("u", new MemberSync { DriftMs = -3.5, RttMs = 40, Status = SyncStatuses.CatchingUp }) { At = 22 },
        new BufferingChanged(null, Buffering: false) { At = 23 },
        new CatchingUp("u", 60_000) { At = 24 },
        new MemberForgotten("u") { At = 25 },
        new HostAway(Since: 26) { At = 26 },
        new MemberStatusSent { At = 27 },
        new PasswordAttempt("u", PasswordAttemptKind.Admitted) { At = 28 },
        new SubtitlesChanged([new SubtitleTrack { TrackId = "t", Label = "English", Language = "en", Source = Item.MovieSource with { Url = "https://s.test/en.srt" } }], "t") { At = 29, Seq = 14 },
        new SubtitleChosen("u", null) { At = 30 },
    ];

    public static TheoryData<string> EveryChange() => new(Samples.Select(sample => sample.GetType().Name));

    [Theory]
    [MemberData(nameof(EveryChange))]
    public void Change_SurvivesAJsonRoundTrip(string changeType)
    {
        var change = Samples.Single(sample => sample.GetType().Name == changeType);
        var json = JsonSerializer.Serialize(change, GrainStateJson.Options);
        var read = JsonSerializer.Deserialize<RoomChange>(json, GrainStateJson.Options)!;

        Assert.Equal(change.GetType(), read.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(read, GrainStateJson.Options));
        Assert.Contains("\"type\":", json);
    }

    [Fact]
    public void EveryChangeType_IsCovered()
    {
        var covered = Samples.Select(sample => sample.GetType()).ToHashSet();
        var all = typeof(RoomChange).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RoomChange)) && !t.IsAbstract);
        Assert.DoesNotContain(all, t => !covered.Contains(t));
    }
}

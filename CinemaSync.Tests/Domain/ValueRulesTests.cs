using CinemaSync.Contracts;

namespace CinemaSync.Tests.Domain;

/// <summary>The value rules the hub, REST and the room share (CinemaSync.Contracts/Rules).</summary>
public sealed class ValueRulesTests
{
    private static PlaybackCommand Playback(string status = PlaybackStatus.Playing, double position = 12, double? rate = 1, long? baseVersion = 3) =>
        new() { Status = status, Position = position, Rate = rate, BaseVersion = baseVersion };

    [Fact]
    public void PlaybackCheck_ReturnsNull_WhenEveryValueIsValid()
    {
        Assert.Null(PlaybackValues.Check(Playback()));
        Assert.Null(PlaybackValues.Check(Playback(PlaybackStatus.Paused, 0, rate: null, baseVersion: null)));
    }

    [Theory]
    [InlineData(PlaybackStatus.Waiting, 1, 1, 0, "status must be \"playing\" or \"paused\".")]
    [InlineData(PlaybackStatus.Playing, -1, 1, 0, "position must be 0 or more.")]
    [InlineData(PlaybackStatus.Playing, double.NaN, 1, 0, "position must be a finite number.")]
    [InlineData(PlaybackStatus.Playing, 1, 4.5, 0, "rate must be between 0.25 and 4.")]
    [InlineData(PlaybackStatus.Playing, 1, 0.1, 0, "rate must be between 0.25 and 4.")]
    [InlineData(PlaybackStatus.Playing, 1, 1, -1, "base_version must be between 0 and 9223372036854775807.")]
    public void PlaybackCheck_NamesTheField_WhenAValueIsOutOfRange(string status, double position, double rate, long baseVersion, string expected)
    {
        Assert.Equal(expected, PlaybackValues.Check(Playback(status, position, rate, baseVersion)));
    }

    [Fact]
    public void PlaybackCheck_NamesTheFirstField_WhenSeveralAreWrong()
    {
        Assert.Equal("status must be \"playing\" or \"paused\".", PlaybackValues.Check(Playback("stopped", -1, 9)));
    }

    [Fact]
    public void SettingsCheck_AcceptsDefaultsAndBounds_RefusesOutside()
    {
        Assert.Null(SettingsValues.Check(new RoomSettings()));
        Assert.Null(SettingsValues.Check(new RoomSettings { MaxParticipants = SettingsValues.MinParticipants, HostGraceMs = SettingsValues.MaxHostGraceMs }));
        Assert.Equal("max_participants must be between 2 and 1000.", SettingsValues.Check(new RoomSettings { MaxParticipants = 1 }));
        Assert.Equal("buffer_timeout_ms must be between 1000 and 60000.", SettingsValues.Check(new RoomSettings { BufferTimeoutMs = 999 }));
        Assert.Equal("host_grace_ms must be between 5000 and 600000.", SettingsValues.Check(new RoomSettings { HostGraceMs = 600001 }));
    }

    [Fact]
    public void StatusCheck_RefusesUnknownStateNegativePositionAndLongRtt()
    {
        Assert.Null(StatusValues.Check(new StatusReport { State = MemberStates.Buffering, Position = 3, RttMs = 40 }));
        Assert.Equal("state must be \"buffering\", \"ready\" or \"ended\".", StatusValues.Check(new StatusReport { State = "asleep" }));
        Assert.Equal("position must be 0 or more.", StatusValues.Check(new StatusReport { State = MemberStates.Ready, Position = -2 }));
        Assert.Equal("rtt_ms must be between 0 and 60000.", StatusValues.Check(new StatusReport { State = MemberStates.Ready, RttMs = 60_001 }));
    }

    [Theory]
    [InlineData("https://example.com/movie.mp4", null)]
    [InlineData("http://example.com/a", null)]
    [InlineData("ftp://example.com/a", "must be an absolute http or https URL.")]
    [InlineData("/relative/path", "must be an absolute http or https URL.")]
    [InlineData("", "must not be empty.")]
    public void UrlProblem_AcceptsOnlyAbsoluteHttpUrls(string url, string? expected)
    {
        Assert.Equal(expected, MovieSourceValues.UrlProblem(url));
    }

    [Fact]
    public void UrlProblem_RefusesUrlsLongerThanTheLimit()
    {
        var url = "https://example.com/" + new string('a', MovieSourceValues.UrlMaxLength);
        Assert.Equal($"must be at most {MovieSourceValues.UrlMaxLength} characters.", MovieSourceValues.UrlProblem(url));
    }

    [Theory]
    [InlineData("1AbC-_9", null)]
    [InlineData("../etc", "is not a Drive file id.")]
    [InlineData("a b", "is not a Drive file id.")]
    public void FileIdProblem_AcceptsOnlyUrlSafeIds(string fileId, string? expected)
    {
        Assert.Equal(expected, MovieSourceValues.FileIdProblem(fileId));
    }

    [Fact]
    public void MovieSourceCheck_NamesTheField_WhenTheSourceIsNotWatchable()
    {
        Assert.Null(MovieSourceValues.Check(new MovieSource()));
        Assert.Null(MovieSourceValues.Check(new MovieSource { Type = MovieSourceTypes.GoogleDrive, FileId = "abc", Owner = MovieOwners.User }));
        Assert.Equal("url must not be empty.", MovieSourceValues.Check(new MovieSource { Type = MovieSourceTypes.DirectLink }));
        Assert.Equal("owner must be \"user\" or \"service\".",
            MovieSourceValues.Check(new MovieSource { Type = MovieSourceTypes.GoogleDrive, FileId = "abc", Owner = "someone" }));
        Assert.Equal("type must be \"googleDrive\", \"directLink\" or \"uploadLater\".", MovieSourceValues.Check(new MovieSource { Type = "torrent" }));
    }

    [Fact]
    public void AssignableProblem_RefusesHost_WhenRoleIsSet()
    {
        Assert.Null(ParticipantRoles.AssignableProblem(ParticipantRoles.CoHost));
        Assert.Null(ParticipantRoles.AssignableProblem(ParticipantRoles.Member));
        Assert.NotNull(ParticipantRoles.AssignableProblem(ParticipantRoles.Host));
    }

    [Fact]
    public void RoomIdProblem_RefusesIdsThatAreNotUrlSafe()
    {
        Assert.Null(RoomIds.Problem(RoomIds.New()));
        Assert.Equal("is not a room id.", RoomIds.Problem("a/b"));
        Assert.Equal("is not a room id.", RoomIds.Problem(new string('a', RoomIds.MaxLength + 1)));
    }

    [Fact]
    public void Length_CountsCodePoints_WhenItNamesTheLimit()
    {
        Assert.Null(ValueRules.Length(string.Concat(Enumerable.Repeat("😀", 16)), 1, TextRules.EmojiMaxLength));
        Assert.Equal("must be at most 16 characters.", ValueRules.Length(new string('x', 17), 1, TextRules.EmojiMaxLength));
        Assert.Equal("must not be empty.", ValueRules.Length("", 1, 5));
        Assert.Equal("must be at least 3 characters.", ValueRules.Length("ab", 3, 5));
    }
}

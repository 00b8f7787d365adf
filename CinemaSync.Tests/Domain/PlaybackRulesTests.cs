using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;

namespace CinemaSync.Tests.Domain;

public sealed class PlaybackRulesTests
{
    private static readonly PlaybackState Paused = new() { Status = PlaybackStatus.Paused, Position = 10, Rate = 1, UpdatedAt = 1_000, Version = 4 };

    private static PlaybackCommand Command(string status = PlaybackStatus.Playing, double position = 20, double? rate = null, long? baseVersion = null) =>
        new() { Status = status, Position = position, Rate = rate, BaseVersion = baseVersion };

    [Fact]
    public void Apply_ReturnsNextVersionStampedNow_WhenHostSendsValidCommand()
    {
        var result = PlaybackRules.Apply(Paused, Command(rate: 2), ParticipantRoles.Host, now: 5_000);

        Assert.True(result.IsOk);
        Assert.Equal(new PlaybackState { Status = PlaybackStatus.Playing, Position = 20, Rate = 2, UpdatedAt = 5_000, Version = 5 }, result.Value);
    }

    [Fact]
    public void Apply_DefaultsRateToOne_WhenRateIsMissing()
    {
        var fast = Paused with { Rate = 2 };
        Assert.Equal(1, PlaybackRules.Apply(fast, Command(), ParticipantRoles.Host, 5_000).Value!.Rate);
    }

    [Fact]
    public void Apply_RefusesWithNotHost_WhenActorIsAMember()
    {
        var result = PlaybackRules.Apply(Paused, Command(), ParticipantRoles.Member, 5_000);
        Assert.Equal(ErrorCodes.NotHost, result.Error);
    }

    [Theory]
    [InlineData(3L)]
    [InlineData(5L)]
    [InlineData(0L)]
    public void Apply_RefusesWithStaleVersionAndCurrentState_WhenBaseVersionIsNotCurrent(long baseVersion)
    {
        var result = PlaybackRules.Apply(Paused, Command(baseVersion: baseVersion), ParticipantRoles.Host, 5_000);

        Assert.Equal(ErrorCodes.StaleVersion, result.Error);
        Assert.Same(Paused, result.Value);
    }

    [Fact]
    public void Apply_Accepts_WhenBaseVersionIsCurrent()
    {
        Assert.True(PlaybackRules.Apply(Paused, Command(baseVersion: 4), ParticipantRoles.Host, 5_000).IsOk);
    }

    [Theory]
    [InlineData("idle", 1, null)]
    [InlineData("stopped", 1, null)]
    [InlineData("PLAYING", 1, null)]
    [InlineData("playing", -0.001, null)]
    [InlineData("playing", double.NaN, null)]
    [InlineData("playing", double.PositiveInfinity, null)]
    [InlineData("playing", 1, 0.24)]
    [InlineData("playing", 1, 4.01)]
    [InlineData("playing", 1, double.NaN)]
    [InlineData("paused", 1, double.NegativeInfinity)]
    public void Apply_RefusesWithInvalidPayload_WhenValuesAreOutOfRange(string status, double position, double? rate)
    {
        var result = PlaybackRules.Apply(Paused, Command(status, position, rate), ParticipantRoles.Host, 5_000);
        Assert.Equal(ErrorCodes.InvalidPayload, result.Error);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(4.0)]
    public void Apply_Accepts_WhenRateIsAtTheBounds(double rate)
    {
        Assert.True(PlaybackRules.Apply(Paused, Command(rate: rate), ParticipantRoles.Host, 5_000).IsOk);
    }

    [Fact]
    public void PositionAt_Extrapolates_WhilePlaying()
    {
        var playing = new PlaybackState { Status = PlaybackStatus.Playing, Position = 100, Rate = 1.5, UpdatedAt = 10_000 };
        Assert.Equal(103, PlaybackRules.PositionAt(playing, 12_000), 6);
    }

    [Fact]
    public void PositionAt_StaysPut_WhilePausedOrBeforeAScheduledStart()
    {
        Assert.Equal(10, PlaybackRules.PositionAt(Paused, 99_000));
        var scheduled = new PlaybackState { Status = PlaybackStatus.Playing, Position = 5, Rate = 1, UpdatedAt = 20_000 };
        Assert.Equal(5, PlaybackRules.PositionAt(scheduled, 19_000));
    }

    [Fact]
    public void Initial_IsPausedAtZero_WithVideo_AndIdleWithout()
    {
        Assert.Equal(PlaybackStatus.Paused, PlaybackRules.Initial(true, 1).Status);
        Assert.Equal(PlaybackStatus.Idle, PlaybackRules.Initial(false, 1).Status);
        Assert.Equal(0, PlaybackRules.Initial(true, 1).Version);
    }

    [Fact]
    public void Reset_PausesAtZero_AsANewVersion()
    {
        var reset = PlaybackRules.Reset(Paused with { Status = PlaybackStatus.Playing, Position = 99 }, hasVideo: true, now: 7_000);
        Assert.Equal(new PlaybackState { Status = PlaybackStatus.Paused, Position = 0, Rate = 1, UpdatedAt = 7_000, Version = 5 }, reset);
    }
}

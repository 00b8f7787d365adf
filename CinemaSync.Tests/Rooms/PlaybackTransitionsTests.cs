using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Tests.Rooms;

public sealed class PlaybackTransitionsTests
{
    private static readonly PlaybackState Paused = new() { Status = PlaybackStatus.Paused, Position = 10, Rate = 1, UpdatedAt = 1_000, Version = 4 };

    private static PlaybackCommand Command(string status = PlaybackStatus.Playing, double position = 20, double? rate = null, long? baseVersion = null) =>
        new() { Status = status, Position = position, Rate = rate, BaseVersion = baseVersion };

    [Fact]
    public void Command_ReturnsNextVersionStampedNow_WhenPaused()
    {
        var next = PlaybackTransitions.Command(Paused, Command(PlaybackStatus.Paused, rate: 2), now: 5_000, leadMs: 300);
        Assert.Equal(new PlaybackState { Status = PlaybackStatus.Paused, Position = 20, Rate = 2, UpdatedAt = 5_000, Version = 5 }, next);
    }

    [Fact]
    public void Command_SchedulesAStartLeadAhead_WhenPlaying()
    {
        var next = PlaybackTransitions.Command(Paused, Command(), now: 5_000, leadMs: 300);
        Assert.Equal(5_300, next.UpdatedAt);
        Assert.Equal(PlaybackPhase.Scheduled, PlaybackTransitions.PhaseAt(next, 5_299));
        Assert.Equal(PlaybackPhase.Playing, PlaybackTransitions.PhaseAt(next, 5_300));
    }

    [Fact]
    public void Command_DefaultsRateToOne_WhenRateIsMissing()
    {
        Assert.Equal(1, PlaybackTransitions.Command(Paused with { Rate = 2 }, Command(), 5_000, 0).Rate);
    }

    [Fact]
    public void PositionAt_Extrapolates_WhilePlaying()
    {
        var playing = new PlaybackState { Status = PlaybackStatus.Playing, Position = 100, Rate = 1.5, UpdatedAt = 10_000 };
        Assert.Equal(103, PlaybackTransitions.PositionAt(playing, 12_000), 6);
    }

    [Fact]
    public void PositionAt_StaysPut_WhilePausedOrBeforeAScheduledStart()
    {
        Assert.Equal(10, PlaybackTransitions.PositionAt(Paused, 99_000));
        var scheduled = new PlaybackState { Status = PlaybackStatus.Playing, Position = 5, Rate = 1, UpdatedAt = 20_000 };
        Assert.Equal(5, PlaybackTransitions.PositionAt(scheduled, 19_000));
    }

    [Fact]
    public void EndsAt_IsWhenThePositionReachesTheDuration()
    {
        var playing = new PlaybackState { Status = PlaybackStatus.Playing, Position = 10, Rate = 2, UpdatedAt = 1_000 };
        var end = PlaybackTransitions.EndsAt(playing, durationMs: 30_000);
        Assert.Equal(11_000, end);
        Assert.Equal(30, PlaybackTransitions.PositionAt(playing, end), 6);
    }

    [Fact]
    public void Initial_IsPausedAtZero_WithVideo_AndIdleWithout()
    {
        Assert.Equal(PlaybackPhase.Paused, PlaybackTransitions.PhaseAt(PlaybackTransitions.Initial(true, 1), 1));
        Assert.Equal(PlaybackPhase.Idle, PlaybackTransitions.PhaseAt(PlaybackTransitions.Initial(false, 1), 1));
        Assert.Equal(0, PlaybackTransitions.Initial(true, 1).Version);
    }

    [Fact]
    public void Reset_PausesAtZero_AsANewVersion()
    {
        var reset = PlaybackTransitions.Reset(Paused with { Status = PlaybackStatus.Playing, Position = 99 }, hasVideo: true, now: 7_000);
        Assert.Equal(new PlaybackState { Status = PlaybackStatus.Paused, Position = 0, Rate = 1, UpdatedAt = 7_000, Version = 5 }, reset);
    }

    [Fact]
    public void WaitThenResume_HoldsThePositionAndSchedulesTheRestart()
    {
        var playing = new PlaybackState { Status = PlaybackStatus.Playing, Position = 10, Rate = 1, UpdatedAt = 1_000, Version = 2 };
        var waiting = PlaybackTransitions.Wait(playing, 3_000);
        Assert.Equal((PlaybackStatus.Waiting, 12.0, 3_000L, 3L), (waiting.Status, waiting.Position, waiting.UpdatedAt, waiting.Version));
        var resumed = PlaybackTransitions.Resume(waiting, 9_000, leadMs: 200);
        Assert.Equal((PlaybackStatus.Playing, 12.0, 9_200L, 4L), (resumed.Status, resumed.Position, resumed.UpdatedAt, resumed.Version));
    }
}

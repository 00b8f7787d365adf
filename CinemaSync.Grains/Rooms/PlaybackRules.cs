using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// The playback rules, free of Orleans: a transition takes the current state, a request and
/// the server time, and returns the new state or a refusal.
/// </summary>
public static class PlaybackRules
{
    public const double MinRate = 0.25;
    public const double MaxRate = 4;

    public static PlaybackState Initial(bool hasVideo, long now) => new()
    {
        Status = hasVideo ? PlaybackStatus.Paused : PlaybackStatus.Idle,
        Position = 0,
        Rate = 1,
        UpdatedAt = now,
        Version = 0,
    };

    /// <summary>Where the video is at server time <paramref name="now"/>.</summary>
    public static double PositionAt(PlaybackState state, long now) =>
        state.Status == PlaybackStatus.Playing
            ? state.Position + Math.Max(0, now - state.UpdatedAt) / 1000.0 * state.Rate
            : state.Position;

    /// <summary>Checks a command's values alone; null when they are valid.</summary>
    public static string? Validate(PlaybackCommand command)
    {
        if (command.Status is not (PlaybackStatus.Playing or PlaybackStatus.Paused))
            return "status must be \"playing\" or \"paused\"";
        if (!double.IsFinite(command.Position) || command.Position < 0)
            return "position must be a finite number of seconds, 0 or more";
        if (command.Rate is { } rate && (!double.IsFinite(rate) || rate < MinRate || rate > MaxRate))
            return $"rate must be between {MinRate} and {MaxRate}";
        if (command.BaseVersion is < 0)
            return "base_version must be 0 or more";
        return null;
    }

    /// <summary>
    /// Applies a command from a participant with <paramref name="actorRole"/>. A start or a seek
    /// while playing is scheduled <paramref name="leadMs"/> ahead, so every member starts the
    /// same frame at the same instant.
    /// </summary>
    public static RoomResult<PlaybackState> Apply(PlaybackState current, PlaybackCommand command, string actorRole, long now, int leadMs = 0)
    {
        if (!ParticipantRoles.CanControl(actorRole))
            return RoomResult<PlaybackState>.Fail(ErrorCodes.NotHost, "Only the host or a co-host controls playback.");
        if (Validate(command) is { } problem)
            return RoomResult<PlaybackState>.Fail(ErrorCodes.InvalidPayload, problem);
        if (command.BaseVersion is { } baseVersion && baseVersion != current.Version)
            return RoomResult<PlaybackState>.Fail(ErrorCodes.StaleVersion,
                $"base_version {baseVersion} is not the current version {current.Version}.", current);

        return RoomResult<PlaybackState>.Ok(new PlaybackState
        {
            Status = command.Status,
            Position = command.Position,
            Rate = command.Rate ?? 1,
            UpdatedAt = command.Status == PlaybackStatus.Playing ? now + leadMs : now,
            Version = current.Version + 1,
        });
    }

    /// <summary>Someone is buffering: hold everyone where the video is now.</summary>
    public static PlaybackState EnterWaiting(PlaybackState playing, long now) => playing with
    {
        Status = PlaybackStatus.Waiting,
        Position = PositionAt(playing, now),
        UpdatedAt = now,
        Version = playing.Version + 1,
    };

    /// <summary>Everyone is ready (or the wait timed out): start again, scheduled.</summary>
    public static PlaybackState Resume(PlaybackState waiting, long now, int leadMs) => waiting with
    {
        Status = PlaybackStatus.Playing,
        UpdatedAt = now + leadMs,
        Version = waiting.Version + 1,
    };

    /// <summary>A queued video starts playing from 0, scheduled.</summary>
    public static PlaybackState StartNext(PlaybackState current, long now, int leadMs) => new()
    {
        Status = PlaybackStatus.Playing,
        Position = 0,
        Rate = 1,
        UpdatedAt = now + leadMs,
        Version = current.Version + 1,
    };

    /// <summary>A new video: paused at 0 (idle without one), as a new version.</summary>
    public static PlaybackState Reset(PlaybackState current, bool hasVideo, long now) =>
        Initial(hasVideo, now) with { Version = current.Version + 1 };
}

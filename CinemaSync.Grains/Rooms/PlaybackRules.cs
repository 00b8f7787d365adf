using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>The value rules of a playback command (the transitions are in <see cref="Core.PlaybackTransitions"/>).</summary>
public static class PlaybackRules
{
    public const double MinRate = 0.25;
    public const double MaxRate = 4;

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
}

namespace CinemaSync.Contracts;

/// <summary>The values of <c>update_playback</c> and <c>POST .../playback</c>.</summary>
public static class PlaybackValues
{
    public const double MinRate = 0.25;
    public const double MaxRate = 4;
    public const int StatusMaxLength = 16;

    public static string? StatusProblem(string status) =>
        status is PlaybackStatus.Playing or PlaybackStatus.Paused ? null : "must be \"playing\" or \"paused\".";

    /// <summary>A position in seconds (also a member's reported position).</summary>
    public static string? PositionProblem(double position) =>
        !double.IsFinite(position) ? "must be a finite number." : position < 0 ? "must be 0 or more." : null;

    public static string? RateProblem(double rate) =>
        double.IsFinite(rate) && rate >= MinRate && rate <= MaxRate ? null : $"must be between {MinRate} and {MaxRate}.";

    public static string? BaseVersionProblem(long baseVersion) => ValueRules.Between(baseVersion, 0, long.MaxValue);

    public static string? Check(PlaybackCommand command) => ValueRules.First(
        ("status", StatusProblem(command.Status)),
        ("position", PositionProblem(command.Position)),
        ("rate", command.Rate is { } rate ? RateProblem(rate) : null),
        ("base_version", command.BaseVersion is { } version ? BaseVersionProblem(version) : null));
}

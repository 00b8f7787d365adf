namespace CinemaSync.Contracts;

public static class PlaybackStatus
{
    public const string Idle = "idle";
    public const string Paused = "paused";
    public const string Playing = "playing";
    /// <summary>Held by the server until every connected member has buffered (or the timeout).</summary>
    public const string Waiting = "waiting";
}

/// <summary>
/// The authoritative playback state. While playing, the position at server time t is
/// <c>Position + (t - UpdatedAt) / 1000 * Rate</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlaybackState
{
    [Id(0)] public string Status { get; init; } = PlaybackStatus.Idle;
    [Id(1)] public double Position { get; init; }
    [Id(2)] public double Rate { get; init; } = 1;
    [Id(3)] public long UpdatedAt { get; init; }
    [Id(4)] public long Version { get; init; }
}

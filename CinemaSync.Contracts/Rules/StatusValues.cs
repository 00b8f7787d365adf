namespace CinemaSync.Contracts;

/// <summary>The values of <c>report_status</c>, and the round-trip time a client reports (also in <c>sync_time</c>).</summary>
public static class StatusValues
{
    public const int StateMaxLength = 16;
    public const int MaxRttMs = 60_000;

    public static string? StateProblem(string state) =>
        state is MemberStates.Buffering or MemberStates.Ready or MemberStates.Ended
            ? null
            : "must be \"buffering\", \"ready\" or \"ended\".";

    public static string? RttProblem(long rttMs) => ValueRules.Between(rttMs, 0, MaxRttMs);

    public static string? Check(StatusReport report) => ValueRules.First(
        ("state", StateProblem(report.State)),
        ("position", PlaybackValues.PositionProblem(report.Position)),
        ("rtt_ms", report.RttMs is { } rtt ? RttProblem(rtt) : null));
}

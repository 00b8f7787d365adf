namespace CinemaSync.Grains.Hosting;

/// <summary>
/// The clock of Orleans' membership loops (<c>TimeProviderNames.Membership</c>): the host's clock,
/// with timestamps counted from when this clock was made instead of from boot.
/// Orleans' watchdog starts its platform thread before it records the first participant-check
/// timestamp, so the thread's first look can measure from timestamp 0; with boot-based timestamps
/// that is the machine's uptime, and every start of an idle silo logged "Participant check thread
/// has not completed for 00:40:00" (the uptime). Counted from this clock's creation, that first
/// look measures milliseconds. Membership code only compares timestamps of this one clock.
/// </summary>
public sealed class MembershipClock(TimeProvider inner) : TimeProvider
{
    private readonly long _origin = inner.GetTimestamp();

    public override long GetTimestamp() => inner.GetTimestamp() - _origin;
    public override long TimestampFrequency => inner.TimestampFrequency;
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}

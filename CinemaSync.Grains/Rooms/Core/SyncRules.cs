using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>Clock and latency rules of synchronised starts.</summary>
internal static class SyncRules
{
    /// <summary>Assumed round-trip time of a connection until it reports one.</summary>
    public const int DefaultRttMs = 50;
    public const int MinLeadMs = 100;
    public const int MaxLeadMs = 1000;
    /// <summary>A member that held the room past the timeout does not hold it again for this long.</summary>
    public const long CatchingUpMs = 60_000;
    /// <summary><c>member_status</c> goes to the host and co-hosts at most this often.</summary>
    public const long MemberStatusIntervalMs = 1000;

    /// <summary>How far ahead a start is scheduled: twice the slowest member's RTT, clamped.</summary>
    public static int LeadMs(IEnumerable<int> memberRttsMs)
    {
        var highest = memberRttsMs.DefaultIfEmpty(DefaultRttMs).Max();
        return Math.Clamp(2 * highest, MinLeadMs, MaxLeadMs);
    }

    /// <summary>How far ahead (+) or behind (−) a member's reported position is, in ms.</summary>
    public static double DriftMs(PlaybackState state, double reportedPosition, long now) =>
        Math.Round((reportedPosition - PlaybackTransitions.PositionAt(state, now)) * 1000, 1);
}

using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>Clock and latency rules of synchronised starts, free of Orleans.</summary>
public static class SyncRules
{
    /// <summary>Assumed round-trip time of a connection until it reports one.</summary>
    public const int DefaultRttMs = 50;
    public const int MinLeadMs = 100;
    public const int MaxLeadMs = 1000;
    /// <summary>How many RTT samples a connection keeps; its RTT is their minimum.</summary>
    public const int RttWindow = 8;
    /// <summary>A member that held the room past the timeout does not hold it again for this long.</summary>
    public const long CatchingUpMs = 60_000;

    /// <summary>How far ahead a start is scheduled: twice the slowest member's RTT, clamped.</summary>
    public static int LeadMs(IEnumerable<int> memberRttsMs)
    {
        var highest = memberRttsMs.DefaultIfEmpty(DefaultRttMs).Max();
        return Math.Clamp(2 * highest, MinLeadMs, MaxLeadMs);
    }

    /// <summary>How far ahead (+) or behind (−) a member's reported position is, in ms.</summary>
    public static double DriftMs(PlaybackState state, double reportedPosition, long now) =>
        Math.Round((reportedPosition - PlaybackRules.PositionAt(state, now)) * 1000, 1);
}

/// <summary>A connection's last RTT samples; its RTT is the minimum (the least queued one).</summary>
public sealed class RttWindow
{
    private readonly Queue<int> _samples = new();

    public int? Current => _samples.Count == 0 ? null : _samples.Min();

    /// <summary>Adds a sample; returns true when the connection's RTT changed.</summary>
    public bool Add(int rttMs)
    {
        var before = Current;
        _samples.Enqueue(Math.Max(0, rttMs));
        if (_samples.Count > SyncRules.RttWindow) _samples.Dequeue();
        return Current != before;
    }
}

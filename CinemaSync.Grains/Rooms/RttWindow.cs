using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Grains.Rooms;

/// <summary>A connection's last RTT samples (kept on its web node); its RTT is the minimum (the least queued one).</summary>
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

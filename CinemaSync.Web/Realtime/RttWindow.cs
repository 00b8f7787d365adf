namespace CinemaSync.Web.Realtime;

/// <summary>A connection's last RTT samples; its RTT is the minimum (the least queued one).</summary>
public sealed class RttWindow
{
    /// <summary>How many samples a connection keeps.</summary>
    public const int Size = 8;

    private readonly Queue<int> _samples = new();

    public int? Current => _samples.Count == 0 ? null : _samples.Min();

    /// <summary>Adds a sample; returns true when the connection's RTT changed.</summary>
    public bool Add(int rttMs)
    {
        var before = Current;
        _samples.Enqueue(Math.Max(0, rttMs));
        if (_samples.Count > Size) _samples.Dequeue();
        return Current != before;
    }
}

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// Password attempts of one room per user within a sliding window, and admissions: a user whose
/// password was right may join once within a minute without being asked again.
/// </summary>
internal sealed class PasswordAttempts(int limit, long windowMs)
{
    private const long AdmissionMs = 60_000;
    /// <summary>Above this many tracked users, stale entries are swept on the next attempt.</summary>
    private const int SweepAbove = 1024;

    private readonly Dictionary<string, List<long>> _attempts = new();
    private readonly Dictionary<string, long> _admittedUntil = new();

    /// <summary>True when the user may try now; else how long until they may.</summary>
    public bool MayTry(string userId, long now, out long retryInMs)
    {
        retryInMs = 0;
        if (!_attempts.TryGetValue(userId, out var times)) return true;
        var inWindow = times.Where(at => now - at < windowMs).ToList();
        if (inWindow.Count < limit) return true;
        retryInMs = inWindow[0] + windowMs - now;
        return false;
    }

    public bool HasAdmission(string userId, long now) => _admittedUntil.TryGetValue(userId, out var until) && until > now;

    public void Apply(PasswordAttempt attempt)
    {
        var (userId, now) = (attempt.UserId, attempt.At);
        switch (attempt.Kind)
        {
            case PasswordAttemptKind.Counted:
                if (_attempts.Count > SweepAbove) Sweep(now);
                if (!_attempts.TryGetValue(userId, out var times)) _attempts[userId] = times = new List<long>(limit);
                times.RemoveAll(at => now - at >= windowMs);
                times.Add(now);
                break;
            case PasswordAttemptKind.Admitted:
                // A right password does not count.
                if (_attempts.TryGetValue(userId, out var counted) && counted.Count > 0) counted.RemoveAt(counted.Count - 1);
                if (_admittedUntil.Count > SweepAbove) Sweep(now);
                _admittedUntil[userId] = now + AdmissionMs;
                break;
            case PasswordAttemptKind.AdmissionUsed:
                _admittedUntil.Remove(userId);
                break;
        }
    }

    /// <summary>A stable description of the counts, for comparing two rooms.</summary>
    public string Describe() =>
        string.Join(";", _attempts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={string.Join(",", a.Value)}"))
        + "|" + string.Join(";", _admittedUntil.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));

    private void Sweep(long now)
    {
        foreach (var (user, times) in _attempts.ToList())
            if (times.Count == 0 || now - times[^1] >= windowMs) _attempts.Remove(user);
        foreach (var (user, until) in _admittedUntil.ToList())
            if (until <= now) _admittedUntil.Remove(user);
    }
}

/// <summary>A set of ids that keeps only the most recently added <c>capacity</c>.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly LinkedList<string> _order = new();
    private readonly Dictionary<string, LinkedListNode<string>> _nodes = new();

    public bool Contains(string id) => _nodes.ContainsKey(id);

    public IEnumerable<string> InOrder => _order;

    public void Add(string id)
    {
        Forget(id);
        _nodes[id] = _order.AddLast(id);
        if (_order.Count > capacity) Forget(_order.First!.Value);
    }

    public void Forget(string id)
    {
        if (_nodes.Remove(id, out var node)) _order.Remove(node);
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Security;

namespace CinemaSync.Grains.Rooms;

/// <summary>Who may get in: join passwords (counted, checked off the room's turn), invites, removed connections.</summary>
public sealed partial class RoomGrain
{
    /// <summary>Connections removed from the room remembered at most (soft state, like the connections).</summary>
    private const int RemovedConnectionsKept = 10_000;

    private PasswordAttempts? _passwordAttempts;
    private readonly RecentIds _removedConnections = new(RemovedConnectionsKept);

    private PasswordAttempts Passwords =>
        _passwordAttempts ??= new PasswordAttempts(_options.WrongPasswordLimit, (long)_options.WrongPasswordWindow.TotalMilliseconds);

    public async Task<RoomResult<Done>> CheckPasswordAsync(string userId, string password)
    {
        // Nothing to check here: JoinAsync refuses (no room, closed, banned) or lets the user in.
        if (!Room.Exists || !Room.IsActive || !Room.IsPrivate || Room.PasswordHash is not { } hash
            || Room.Participant(userId) is not null || Room.Banned.Contains(userId))
            return RoomResult<Done>.Ok(Done.Value);

        // Counted before checking, so that guesses sent at once cannot all be checked.
        var now = Now;
        if (!Passwords.TryBegin(userId, now, out var retryInMs))
            return RoomResult<Done>.Fail(ErrorCodes.RateLimited,
                $"Too many wrong passwords for this room; try again in {Math.Max(1, (retryInMs + 59_999) / 60_000)} minute(s).");
        // The key derivation (tens of milliseconds) runs on the thread pool, a few at a time per
        // process; this method is interleaved, so the room serves its other commands meanwhile. It
        // reads only the hash, which never changes once the room exists, and the attempt counts,
        // touched only on the grain's own turns.
        var right = await PasswordHasher.VerifyAsync(password, hash);
        if (!right) return RoomResult<Done>.Fail(ErrorCodes.InvalidPassword, "Invalid password.");
        Passwords.Admit(userId, Now);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<Done>> RecordInviteAsync(string userId, long expiresAt)
    {
        if (RefuseUnlessController<Done>(userId) is { } refused) return refused;
        var now = Now;
        Room.InviteExpiries.RemoveAll(at => at <= now);
        if (Room.InviteExpiries.Count >= _options.MaxPendingInvites)
            return RoomResult<Done>.Fail(ErrorCodes.LimitReached,
                $"The room has {_options.MaxPendingInvites} invites that have not expired; wait for some to expire.");
        Room.InviteExpiries.Add(expiresAt);
        return await TryPersistAsync() ? RoomResult<Done>.Ok(Done.Value) : Unavailable<Done>();
    }
}

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

    /// <summary>Counts an attempt; false (not counted) when the user already has <c>limit</c> in the window.</summary>
    public bool TryBegin(string userId, long now, out long retryInMs)
    {
        if (_attempts.Count > SweepAbove) Sweep(now);
        if (!_attempts.TryGetValue(userId, out var times)) _attempts[userId] = times = new List<long>(limit);
        times.RemoveAll(at => now - at >= windowMs);
        if (times.Count >= limit)
        {
            retryInMs = times[0] + windowMs - now;
            return false;
        }
        times.Add(now);
        retryInMs = 0;
        return true;
    }

    /// <summary>The attempt was right: it does not count, and the user's next join is let in.</summary>
    public void Admit(string userId, long now)
    {
        if (_attempts.TryGetValue(userId, out var times) && times.Count > 0) times.RemoveAt(times.Count - 1);
        if (_admittedUntil.Count > SweepAbove) Sweep(now);
        _admittedUntil[userId] = now + AdmissionMs;
    }

    /// <summary>Uses up the user's admission; false when there is none (or it expired).</summary>
    public bool TakeAdmission(string userId, long now) =>
        _admittedUntil.Remove(userId, out var until) && until > now;

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

using System.Collections.Concurrent;
using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// The hub's limits (section <c>RateLimits</c>): a token bucket per method group, per connection
/// and per user, <c>XPerSecond</c> tokens refilled up to <c>XBurst</c>. REST <c>/join</c> shares the
/// join bucket of its user.
/// </summary>
public sealed class RateLimitOptions : IValidatedSettings
{
    public const string Section = "RateLimits";

    public double ChatPerSecond { get; set; } = 5;
    public int ChatBurst { get; set; } = 10;
    public double ReactionsPerSecond { get; set; } = 10;
    public int ReactionsBurst { get; set; } = 10;
    public double PlaybackPerSecond { get; set; } = 10;
    public int PlaybackBurst { get; set; } = 10;
    public double JoinsPerSecond { get; set; } = 0.5;
    public int JoinsBurst { get; set; } = 5;
    /// <summary><c>leave_room</c>.</summary>
    public double LeavesPerSecond { get; set; } = 0.5;
    public int LeavesBurst { get; set; } = 5;
    /// <summary><c>report_status</c>: a member's buffering reports flip the room at most this fast.</summary>
    public double StatusPerSecond { get; set; } = 2;
    public int StatusBurst { get; set; } = 5;
    /// <summary><c>sync_time</c> (the watch page sends a burst of 5, then one every 4 s).</summary>
    public double SyncTimePerSecond { get; set; } = 2;
    public int SyncTimeBurst { get; set; } = 20;
    /// <summary><c>set_role</c>, <c>transfer_host</c>, <c>kick_member</c>, <c>update_settings</c>.</summary>
    public double ModerationPerSecond { get; set; } = 1;
    public int ModerationBurst { get; set; } = 10;
    /// <summary><c>queue_add</c>, <c>queue_remove</c>, <c>queue_move</c>, <c>play_next</c>.</summary>
    public double QueuePerSecond { get; set; } = 2;
    public int QueueBurst { get; set; } = 10;
    /// <summary>A connection refused more than this many times within 10 s is closed.</summary>
    public int MaxRefusalsPer10Seconds { get; set; } = 50;

    public (double PerSecond, int Burst) Of(HubAction action) => action switch
    {
        HubAction.Chat => (ChatPerSecond, ChatBurst),
        HubAction.Reaction => (ReactionsPerSecond, ReactionsBurst),
        HubAction.Playback => (PlaybackPerSecond, PlaybackBurst),
        HubAction.Join => (JoinsPerSecond, JoinsBurst),
        HubAction.Leave => (LeavesPerSecond, LeavesBurst),
        HubAction.Status => (StatusPerSecond, StatusBurst),
        HubAction.SyncTime => (SyncTimePerSecond, SyncTimeBurst),
        HubAction.Moderation => (ModerationPerSecond, ModerationBurst),
        HubAction.Queue => (QueuePerSecond, QueueBurst),
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The setting names of an action's limit: <c>RateLimits:{key}PerSecond</c> and <c>RateLimits:{key}Burst</c>.</summary>
    public static string KeyOf(HubAction action) => action switch
    {
        HubAction.Reaction => "Reactions",
        HubAction.Join => "Joins",
        HubAction.Leave => "Leaves",
        _ => action.ToString(),
    };

    public IEnumerable<string> Problems()
    {
        foreach (var action in Enum.GetValues<HubAction>())
        {
            var (perSecond, burst) = Of(action);
            if (!(perSecond > 0) || double.IsInfinity(perSecond)) yield return $"{Section}:{KeyOf(action)}PerSecond must be a positive number.";
            if (burst < 1) yield return $"{Section}:{KeyOf(action)}Burst must be at least 1.";
        }
        if (MaxRefusalsPer10Seconds < 1) yield return "RateLimits:MaxRefusalsPer10Seconds must be at least 1.";
    }
}

/// <summary>The hub's method groups, each with its own limit: every hub method belongs to one.</summary>
public enum HubAction { Chat, Reaction, Playback, Join, Leave, Status, SyncTime, Moderation, Queue }

/// <summary>
/// Token buckets per connection and per user for the hub's chatty methods. Per web node: a user
/// spread over several nodes gets each node's allowance.
/// </summary>
public sealed class HubRateLimiter(IOptions<RateLimitOptions> options, TimeProvider clock)
{
    private sealed class Bucket(double capacity)
    {
        public double Tokens = capacity;
        public long LastRefill;
        public long LastUsed;
    }

    /// <summary>A bucket's key: a connection's or a user's, per action (no string built per call).</summary>
    private readonly record struct BucketKey(HubAction Action, bool IsConnection, string Id);

    private readonly ConcurrentDictionary<BucketKey, Bucket> _buckets = new();
    private readonly ConcurrentDictionary<string, Queue<long>> _refusals = new();
    private long _lastPrune;

    /// <summary>True when both the connection's and the user's bucket have a token (and takes one of each).</summary>
    public bool TryAcquire(HubAction action, string connectionId, string userId) => TryTake(action, connectionId, userId);

    /// <summary>For REST, which has no connection: true when the user's bucket has a token.</summary>
    public bool TryAcquire(HubAction action, string userId) => TryTake(action, null, userId);

    private bool TryTake(HubAction action, string? connectionId, string userId)
    {
        var now = clock.GetTimestamp();
        Prune(now);
        var (rate, burst) = options.Value.Of(action);
        var user = BucketOf(new BucketKey(action, false, userId), burst, now);
        var connection = connectionId is null ? null : BucketOf(new BucketKey(action, true, connectionId), burst, now);
        lock (user)
        {
            if (connection is null) return Take(user, rate, burst, now);
            lock (connection)
            {
                Refill(connection, rate, burst, now);
                Refill(user, rate, burst, now);
                if (connection.Tokens < 1 || user.Tokens < 1) return false;
                connection.Tokens--;
                user.Tokens--;
                return true;
            }
        }
    }

    private Bucket BucketOf(BucketKey key, int burst, long now) =>
        _buckets.GetOrAdd(key, static (_, full) => new Bucket(full.Burst) { LastRefill = full.Now }, (Burst: burst, Now: now));

    private bool Take(Bucket bucket, double rate, int burst, long now)
    {
        Refill(bucket, rate, burst, now);
        if (bucket.Tokens < 1) return false;
        bucket.Tokens--;
        return true;
    }

    /// <summary>Counts a refusal; true when the connection has been refused too often and must be closed.</summary>
    public bool RefusedTooOften(string connectionId)
    {
        var now = clock.GetTimestamp();
        var window = _refusals.GetOrAdd(connectionId, static _ => new Queue<long>());
        lock (window)
        {
            window.Enqueue(now);
            while (window.Count > 0 && clock.GetElapsedTime(window.Peek(), now) > TimeSpan.FromSeconds(10)) window.Dequeue();
            return window.Count > options.Value.MaxRefusalsPer10Seconds;
        }
    }

    public void Forget(string connectionId)
    {
        _refusals.TryRemove(connectionId, out _);
        foreach (HubAction action in Enum.GetValues<HubAction>()) _buckets.TryRemove(new BucketKey(action, true, connectionId), out _);
    }

    private void Refill(Bucket bucket, double rate, int burst, long now)
    {
        var elapsed = clock.GetElapsedTime(bucket.LastRefill, now).TotalSeconds;
        bucket.Tokens = Math.Min(burst, bucket.Tokens + elapsed * rate);
        bucket.LastRefill = now;
        bucket.LastUsed = now;
    }

    /// <summary>Drops user buckets idle for a minute (full again by then anyway).</summary>
    private void Prune(long now)
    {
        var last = Interlocked.Read(ref _lastPrune);
        if (clock.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _lastPrune, now, last) != last) return;
        foreach (var (key, bucket) in _buckets)
            if (clock.GetElapsedTime(bucket.LastUsed, now) > TimeSpan.FromMinutes(1)) _buckets.TryRemove(key, out _);
    }
}

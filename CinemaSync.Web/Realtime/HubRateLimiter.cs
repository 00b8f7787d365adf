using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Realtime;

public sealed class RateLimitOptions
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
    /// <summary>A connection refused more than this many times within 10 s is closed.</summary>
    public int MaxRefusalsPer10Seconds { get; set; } = 50;
}

public enum HubAction { Chat, Reaction, Playback, Join }

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

    private readonly ConcurrentDictionary<(HubAction, string), Bucket> _buckets = new();
    private readonly ConcurrentDictionary<string, Queue<long>> _refusals = new();
    private long _lastPrune;

    /// <summary>True when both the connection's and the user's bucket have a token.</summary>
    public bool TryAcquire(HubAction action, string connectionId, string userId)
    {
        var now = clock.GetTimestamp();
        Prune(now);
        var (rate, burst) = Limits(action);
        var connection = _buckets.GetOrAdd((action, "c:" + connectionId), _ => new Bucket(burst) { LastRefill = now });
        var user = _buckets.GetOrAdd((action, "u:" + userId), _ => new Bucket(burst) { LastRefill = now });
        lock (connection)
        lock (user)
        {
            Refill(connection, rate, burst, now);
            Refill(user, rate, burst, now);
            if (connection.Tokens < 1 || user.Tokens < 1) return false;
            connection.Tokens--;
            user.Tokens--;
            return true;
        }
    }

    /// <summary>Counts a refusal; true when the connection has been refused too often and must be closed.</summary>
    public bool RefusedTooOften(string connectionId)
    {
        var now = clock.GetTimestamp();
        var window = _refusals.GetOrAdd(connectionId, _ => new Queue<long>());
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
        foreach (HubAction action in Enum.GetValues<HubAction>()) _buckets.TryRemove((action, "c:" + connectionId), out _);
    }

    private (double Rate, int Burst) Limits(HubAction action)
    {
        var o = options.Value;
        return action switch
        {
            HubAction.Chat => (o.ChatPerSecond, o.ChatBurst),
            HubAction.Reaction => (o.ReactionsPerSecond, o.ReactionsBurst),
            HubAction.Playback => (o.PlaybackPerSecond, o.PlaybackBurst),
            _ => (o.JoinsPerSecond, o.JoinsBurst),
        };
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

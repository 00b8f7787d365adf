using CinemaSync.Grains.Hosting;

namespace CinemaSync.Web.Realtime;

/// <summary>The web node's realtime timings (<c>Realtime:*</c>).</summary>
public sealed class RealtimeOptions : IValidatedSettings
{
    public const string Section = "Realtime";

    /// <summary>How often this node re-subscribes to each room it has members of. Keep well under <c>Rooms:NodeExpiry</c>.</summary>
    public TimeSpan ObserverRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Client mode: how often the node asks the cluster for its active silos.</summary>
    public TimeSpan MembershipPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long this node holds a room's events that came after a gap, waiting for the room to send
    /// the missing ones, before it forwards them anyway.
    /// </summary>
    public TimeSpan GapHoldTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (ObserverRefreshInterval <= TimeSpan.Zero) yield return $"{Section}:ObserverRefreshInterval must be positive, e.g. 00:00:10.";
        if (MembershipPollInterval <= TimeSpan.Zero) yield return $"{Section}:MembershipPollInterval must be positive, e.g. 00:00:01.";
        if (GapHoldTimeout <= TimeSpan.Zero || GapHoldTimeout > TimeSpan.FromMinutes(1))
            yield return $"{Section}:GapHoldTimeout must be positive and at most a minute, e.g. 00:00:05.";
    }
}

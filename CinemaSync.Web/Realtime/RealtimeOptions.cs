namespace CinemaSync.Web.Realtime;

public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>How often this node re-subscribes to each room it has members of. Keep well under <c>Rooms:NodeExpiry</c>.</summary>
    public TimeSpan ObserverRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
}

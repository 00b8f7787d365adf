using CinemaSync.Grains.Hosting;

namespace CinemaSync.Grains.Rooms;

/// <summary>The room grain's settings (section <c>Rooms</c>), read by the silos that host rooms.</summary>
internal sealed class RoomGrainOptions : IValidatedSettings
{
    public const string Section = "Rooms";

    /// <summary>A web node that has not re-subscribed for this long is dropped with its connections.</summary>
    public TimeSpan NodeExpiry { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Wrong passwords a user may try on one room within <see cref="WrongPasswordWindow"/>; then <c>rate_limited</c>.</summary>
    public int WrongPasswordLimit { get; set; } = 5;

    public TimeSpan WrongPasswordWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>User ids a room's ban list holds at most.</summary>
    public int MaxBans { get; set; } = 1000;

    /// <summary>Invites of a room that have not expired yet, at most.</summary>
    public int MaxPendingInvites { get; set; } = 100;

    /// <summary>Items a room's queue holds at most.</summary>
    public int MaxQueueLength { get; set; } = 200;

    /// <summary>Validation failures, one sentence each naming the setting; empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (NodeExpiry < TimeSpan.FromSeconds(1)) yield return "Rooms:NodeExpiry must be at least 1 second.";
        if (WrongPasswordLimit < 1) yield return "Rooms:WrongPasswordLimit must be at least 1.";
        if (WrongPasswordWindow <= TimeSpan.Zero) yield return "Rooms:WrongPasswordWindow must be positive.";
        if (MaxBans < 1) yield return "Rooms:MaxBans must be at least 1.";
        if (MaxPendingInvites < 1) yield return "Rooms:MaxPendingInvites must be at least 1.";
        if (MaxQueueLength < 1) yield return "Rooms:MaxQueueLength must be at least 1.";
    }
}

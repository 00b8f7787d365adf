namespace CinemaSync.Web.Realtime;

/// <summary>The rate limit a hub method draws on (<see cref="RoomHubFilter"/> refuses a method without one).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HubLimitAttribute(HubAction action) : Attribute
{
    public HubAction Action { get; } = action;
}

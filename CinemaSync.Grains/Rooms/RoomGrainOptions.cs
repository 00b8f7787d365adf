namespace CinemaSync.Grains.Rooms;

public sealed class RoomGrainOptions
{
    /// <summary>A web node that has not re-subscribed for this long is dropped with its connections.</summary>
    public TimeSpan NodeExpiry { get; set; } = TimeSpan.FromSeconds(45);
}

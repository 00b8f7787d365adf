using CinemaSync.Grains.Hosting;

namespace CinemaSync.Grains.Users;

/// <summary>The user grain's settings (section <c>Users</c>).</summary>
internal sealed class UserGrainOptions : IValidatedSettings
{
    public const string Section = "Users";

    /// <summary>Rooms one user may create within <see cref="RoomCreationWindow"/>; then <c>rate_limited</c>.</summary>
    public int RoomCreationLimit { get; set; } = 20;

    public TimeSpan RoomCreationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rooms kept in a user's list (<c>GET /api/rooms/mine</c>): the most recently joined.</summary>
    public int RoomListLimit { get; set; } = 500;

    public IEnumerable<string> Problems()
    {
        if (RoomCreationLimit < 1) yield return "Users:RoomCreationLimit must be at least 1.";
        if (RoomCreationWindow <= TimeSpan.Zero) yield return "Users:RoomCreationWindow must be positive.";
        if (RoomListLimit < 1) yield return "Users:RoomListLimit must be at least 1.";
    }
}

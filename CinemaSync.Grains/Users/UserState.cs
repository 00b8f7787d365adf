using CinemaSync.Contracts;

namespace CinemaSync.Grains.Users;

[GenerateSerializer]
internal sealed class UserState
{
    [Id(0)] public string DisplayName { get; set; } = "";
    [Id(1)] public string? Email { get; set; }
    [Id(2)] public string? PhotoUrl { get; set; }
    /// <summary>Rooms the user hosts or joined and has not left, with when they last joined.</summary>
    [Id(3)] public Dictionary<string, long> Rooms { get; set; } = new();
    [Id(4)] public long CreatedAt { get; set; }
    /// <summary>The linked Google account; its tokens are encrypted by the web node.</summary>
    [Id(5)] public GoogleLink? Google { get; set; }
    /// <summary>When the user created their rooms of the current window (epoch ms), oldest first.</summary>
    [Id(6)] public List<long> RoomsCreatedAt { get; set; } = [];
}

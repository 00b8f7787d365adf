namespace CinemaSync.Grains.Abstractions;

[GenerateSerializer, Immutable]
public sealed record UserProfile
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
    [Id(2)] public string? Email { get; init; }
    [Id(3)] public string? PhotoUrl { get; init; }
}

/// <summary>One user, keyed by user id: profile and the rooms they host or joined.</summary>
[Alias("CinemaSync.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("GetProfile")] Task<UserProfile?> GetProfileAsync();
    [Alias("SaveProfile")] Task<UserProfile> SaveProfileAsync(UserProfile profile);
    [Alias("GetRooms")] Task<IReadOnlyList<string>> GetRoomIdsAsync();
    [Alias("AddRoom")] Task AddRoomAsync(string roomId);
    [Alias("RemoveRoom")] Task RemoveRoomAsync(string roomId);
}

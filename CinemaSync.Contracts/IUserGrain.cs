namespace CinemaSync.Contracts;

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
    /// <summary>Adds or refreshes a room in the list; only the most recent ones are kept.</summary>
    [Alias("AddRoom")] Task AddRoomAsync(string roomId);
    /// <summary>Counts a room creation; false (nothing counted) when the user created too many lately.</summary>
    [Alias("TryCountRoomCreation")] Task<bool> TryCountRoomCreationAsync();
    [Alias("RemoveRoom")] Task RemoveRoomAsync(string roomId);

    /// <summary>The Google account link, or null when the user has not connected one.</summary>
    [Alias("GetGoogle")] Task<GoogleLink?> GetGoogleAsync();

    /// <summary>Connects (or reconnects) a Google account, replacing any previous link.</summary>
    [Alias("SetGoogle")] Task SetGoogleAsync(GoogleLink link);

    /// <summary>
    /// Swaps the protected tokens only if they are still <paramref name="expected"/> (a refresh must
    /// not resurrect a link that was disconnected or replaced meanwhile). False when they were not.
    /// </summary>
    [Alias("ReplaceGoogleTokens")] Task<bool> ReplaceGoogleTokensAsync(string expected, string replacement);

    /// <summary>Removes the link; with <paramref name="expected"/> only if its tokens are still those. True when removed.</summary>
    [Alias("RemoveGoogle")] Task<bool> RemoveGoogleAsync(string? expected = null);
}

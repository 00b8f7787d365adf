using CinemaSync.Contracts;
using Microsoft.Extensions.Options;

namespace CinemaSync.Grains.Users;

/// <summary>A user's profile and room memberships (for <c>GET /api/rooms/mine</c>).</summary>
[GrainType("user")]
internal sealed class UserGrain(
    [PersistentState(StateNames.User, StorageNames.Default)] IPersistentState<UserState> state,
    TimeProvider clock,
    IOptions<UserGrainOptions> options) : Grain, IUserGrain
{
    private UserGrainOptions Limits => options.Value;

    private string UserId => this.GetPrimaryKeyString();
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<UserProfile?> GetProfileAsync() =>
        Task.FromResult(state.State.CreatedAt == 0 ? null : Profile());

    public async Task<UserProfile> SaveProfileAsync(UserProfile profile)
    {
        var s = state.State;
        if (s.CreatedAt != 0 && s.DisplayName == profile.DisplayName && s.Email == profile.Email && s.PhotoUrl == profile.PhotoUrl)
            return Profile();
        s.DisplayName = profile.DisplayName;
        s.Email = profile.Email;
        s.PhotoUrl = profile.PhotoUrl;
        if (s.CreatedAt == 0) s.CreatedAt = Now;
        await state.WriteStateAsync();
        return Profile();
    }

    public Task<IReadOnlyList<string>> GetRoomIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Rooms.OrderByDescending(r => r.Value).Select(r => r.Key).ToList());

    public async Task AddRoomAsync(string roomId)
    {
        var rooms = state.State.Rooms;
        rooms[roomId] = Now;
        if (rooms.Count > Limits.RoomListLimit)
            foreach (var oldest in rooms.OrderBy(r => r.Value).Take(rooms.Count - Limits.RoomListLimit).Select(r => r.Key).ToList())
                rooms.Remove(oldest);
        await state.WriteStateAsync();
    }

    public async Task<bool> TryCountRoomCreationAsync()
    {
        var now = Now;
        var created = state.State.RoomsCreatedAt;
        created.RemoveAll(at => now - at >= (long)Limits.RoomCreationWindow.TotalMilliseconds);
        if (created.Count >= Limits.RoomCreationLimit) return false;
        created.Add(now);
        await state.WriteStateAsync();
        return true;
    }

    public async Task RemoveRoomAsync(string roomId)
    {
        if (state.State.Rooms.Remove(roomId)) await state.WriteStateAsync();
    }

    public Task<GoogleLink?> GetGoogleAsync() => Task.FromResult(state.State.Google);

    public async Task SetGoogleAsync(GoogleLink link)
    {
        state.State.Google = link;
        await state.WriteStateAsync();
    }

    public async Task<bool> ReplaceGoogleTokensAsync(string expected, string replacement)
    {
        if (state.State.Google is not { } link || link.ProtectedTokens != expected) return false;
        state.State.Google = link with { ProtectedTokens = replacement };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> RemoveGoogleAsync(string? expected = null)
    {
        if (state.State.Google is not { } link || (expected is not null && link.ProtectedTokens != expected)) return false;
        state.State.Google = null;
        await state.WriteStateAsync();
        return true;
    }

    private UserProfile Profile() => new()
    {
        UserId = UserId,
        DisplayName = state.State.DisplayName,
        Email = state.State.Email,
        PhotoUrl = state.State.PhotoUrl,
    };
}

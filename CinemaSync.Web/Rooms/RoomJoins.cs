using CinemaSync.Contracts;

namespace CinemaSync.Web.Rooms;

/// <summary>The one way into a room, for REST <c>/join</c> and the hub's <c>join_room</c>.</summary>
public static class RoomJoins
{
    /// <summary>
    /// A password is checked first, by the room but off its turn (counted per user: <c>rate_limited</c>
    /// past the limit); the join that follows lets in a user whose password was right.
    /// </summary>
    public static async Task<RoomResult<JoinResult>> JoinAsync(IRoomGrain room, JoinRoomCommand command, string? password)
    {
        if (password is not null && !command.Invited)
        {
            var check = await room.CheckPasswordAsync(command.User.UserId, password);
            if (!check.IsOk) return RoomResult<JoinResult>.Fail(check.Error!, check.Message ?? check.Error!);
        }
        return await room.JoinAsync(command);
    }
}

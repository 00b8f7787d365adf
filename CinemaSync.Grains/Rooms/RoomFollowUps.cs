using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// What follows an accepted change outside the room: the users' room lists and the log. One user's
/// follow-ups run one after another in the room's order (a join, then a leave, leaves the room off
/// the list); different users' run side by side. Used on the grain's scheduler only.
/// </summary>
internal sealed class RoomFollowUps(string roomId, IGrainFactory grains, ILogger log)
{
    private readonly Dictionary<string, Task> _lastOfUser = new(StringComparer.Ordinal);

    /// <summary>Starts the follow-ups of one decision's changes; the task completes when they have run.</summary>
    public Task Start(IReadOnlyList<RoomChange> changes)
    {
        Task? all = null;
        foreach (var change in changes)
            if (Start(change) is { } next) all = all is null ? next : Task.WhenAll(all, next);
        return all ?? Task.CompletedTask;
    }

    /// <summary>Logs one change and starts its user's room-list update, if it has one.</summary>
    private Task? Start(RoomChange change)
    {
        switch (change)
        {
            case RoomCreated c:
                log.LogInformation("Room {RoomId} created by {UserId}", roomId, c.HostId);
                return Chain(c.HostId, user => user.AddRoomAsync(roomId));
            case MemberJoined j:
                log.LogInformation("Room {RoomId}: {UserId} joined", roomId, j.UserId);
                return Chain(j.UserId, user => user.AddRoomAsync(roomId));
            case MemberLeft l:
                log.LogInformation("Room {RoomId}: {UserId} left{Banned}", roomId, l.UserId, l.Banned ? " (banned)" : "");
                return Chain(l.UserId, user => user.RemoveRoomAsync(roomId));
            case HostChanged { By: null } or RoomClosed:
                log.LogInformation("Room {RoomId}: {Change}", roomId, change);
                return null;
            default:
                return null;
        }
    }

    private Task Chain(string userId, Func<IUserGrain, Task> call)
    {
        var user = grains.GetGrain<IUserGrain>(userId);
        var task = _lastOfUser.TryGetValue(userId, out var last) ? AfterAsync(last, user, call) : call(user);
        _lastOfUser[userId] = task;
        _ = ForgetWhenDoneAsync(userId, task);
        return task;
    }

    private static async Task AfterAsync(Task last, IUserGrain user, Func<IUserGrain, Task> call)
    {
        try
        {
            await last;
        }
        catch
        {
            // Reported to the command that started it; this one runs regardless.
        }
        await call(user);
    }

    private async Task ForgetWhenDoneAsync(string userId, Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // Reported to the command that started it.
        }
        if (_lastOfUser.TryGetValue(userId, out var last) && last == task) _lastOfUser.Remove(userId);
    }
}

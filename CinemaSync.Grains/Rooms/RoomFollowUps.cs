using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Rooms;

/// <summary>What follows an accepted change outside the room: the users' room lists and the log.</summary>
internal sealed class RoomFollowUps(string roomId, IGrainFactory grains, ILogger log)
{
    public async Task AfterAsync(RoomChange change)
    {
        switch (change)
        {
            case RoomCreated c:
                await grains.GetGrain<IUserGrain>(c.HostId).AddRoomAsync(roomId);
                log.LogInformation("Room {RoomId} created by {UserId}", roomId, c.HostId);
                break;
            case MemberJoined j:
                await grains.GetGrain<IUserGrain>(j.UserId).AddRoomAsync(roomId);
                log.LogInformation("Room {RoomId}: {UserId} joined", roomId, j.UserId);
                break;
            case MemberLeft l:
                log.LogInformation("Room {RoomId}: {UserId} left{Banned}", roomId, l.UserId, l.Banned ? " (banned)" : "");
                await grains.GetGrain<IUserGrain>(l.UserId).RemoveRoomAsync(roomId);
                break;
            case HostChanged { By: null } or RoomClosed:
                log.LogInformation("Room {RoomId}: {Change}", roomId, change);
                break;
        }
    }
}

using System.Text.Json;
using CinemaSync.Grains.Abstractions;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Rooms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// The realtime API at <c>/hubs/room</c>. Thin: identity from the token, one grain call per
/// method, an ack for every outcome. Payloads arrive as raw JSON and are validated here, so a
/// wrongly typed field is an <c>invalid_payload</c> ack rather than a binding exception.
/// </summary>
[Authorize]
public sealed class RoomHub(IGrainFactory grains, RoomEventRelay relay, TimeProvider clock, ILogger<RoomHub> logger) : Hub
{
    public const string Path = "/hubs/room";

    public override Task OnConnectedAsync()
    {
        relay.Connected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var roomId in relay.Disconnected(Context.ConnectionId))
        {
            try
            {
                await Room(roomId).DisconnectAsync(Context.ConnectionId);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Room {RoomId}: could not report a dropped connection; the node's next re-subscription will", roomId);
            }
        }
    }

    [HubMethodName("join_room")]
    public Task<object> JoinRoom(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var password = RoomRequests.ReadPassword(body);
        body.Integer("last_seq", min: 0);
        if (!body.IsValid) return Invalid(body);

        var connectionId = Context.ConnectionId;
        var node = relay.BeginJoin(roomId!);
        RoomResult<JoinResult>? result = null;
        try
        {
            result = await Room(roomId!).JoinAsync(new JoinRoomCommand
            {
                User = actor,
                Password = password,
                Connection = new RoomConnection { ConnectionId = connectionId, Node = node },
            });
        }
        finally
        {
            if (!relay.EndJoin(roomId!, connectionId, actor.UserId, result?.IsOk == true))
                await Room(roomId!).DisconnectAsync(connectionId);
        }
        return result.IsOk ? new HubAcks.Joined(result.Value!.Room, result.Value.ChatHistory) : HubAcks.Fail(result);
    });

    [HubMethodName("leave_room")]
    public Task<object> LeaveRoom(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).LeaveAsync(actor.UserId);
        return result.IsOk ? HubAcks.Done.Instance : HubAcks.Fail(result);
    });

    [HubMethodName("update_playback")]
    public Task<object> UpdatePlayback(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var command = RoomRequests.ReadPlayback(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).UpdatePlaybackAsync(actor.UserId, command!);
        if (result.IsOk) return new HubAcks.Playback(result.Value!);
        return HubAcks.Fail(result) with { PlaybackState = result.Value };
    });

    [HubMethodName("chat_message")]
    public Task<object> ChatMessage(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var text = body.String("text", required: true, maxLength: TextRules.ChatMaxLength, minLength: 1);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).SendChatAsync(actor.UserId, text!);
        return result.IsOk ? new HubAcks.Chat(result.Value!) : HubAcks.Fail(result);
    });

    [HubMethodName("reaction")]
    public Task<object> Reaction(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var emoji = body.String("emoji", required: true, maxLength: TextRules.EmojiMaxLength, minLength: 1);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).ReactAsync(actor.UserId, emoji!);
        return result.IsOk ? HubAcks.Done.Instance : HubAcks.Fail(result);
    });

    [HubMethodName("sync_time")]
    public Task<object> SyncTime(JsonElement payload)
    {
        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Run(payload, (_, body) =>
        {
            var clientTime = body.Number("client_time", required: true);
            if (!body.IsValid) return Task.FromResult(Invalid(body));
            object ack = new HubAcks.SyncTime(clientTime!.Value, receivedAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
            return Task.FromResult(ack);
        });
    }

    private IRoomGrain Room(string roomId) => grains.GetGrain<IRoomGrain>(roomId);

    private static object Invalid(PayloadReader body) => HubAcks.Fail(ErrorCodes.InvalidPayload, body.Summary);

    /// <summary>Checks the token is still valid, reads the payload, and turns any failure into an ack.</summary>
    private async Task<object> Run(JsonElement payload, Func<Actor, PayloadReader, Task<object>> handle)
    {
        if (Context.User is not { } user || user.IsExpired(clock.GetUtcNow()))
            return HubAcks.Fail(ErrorCodes.Unauthorized, "The token has expired; sign in again and reconnect.");
        var body = PayloadReader.Open(payload);
        if (!body.IsValid) return Invalid(body);
        try
        {
            return await handle(user.Actor(), body);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Hub method failed for connection {ConnectionId}", Context.ConnectionId);
            return HubAcks.Fail(ErrorCodes.Unavailable, "The server could not complete this request. Try again.");
        }
    }
}

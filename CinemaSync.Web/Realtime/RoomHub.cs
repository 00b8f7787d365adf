using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Diagnostics;
using CinemaSync.Grains.Rooms;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
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
public sealed class RoomHub(
    RoomEventRelay relay, RoomGateway rooms, HubRateLimiter limiter, InviteTokens invites, TimeProvider clock,
    ILogger<RoomHub> logger) : Hub
{
    public const string Path = "/hubs/room";

    public override Task OnConnectedAsync()
    {
        CinemaSyncTelemetry.Connections.Add(1);
        relay.Connected(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        CinemaSyncTelemetry.Connections.Add(-1);
        limiter.Forget(Context.ConnectionId);
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
        if (RoomRequests.ReadJoin(body) is not { } join) return Invalid(body);
        var (roomId, password, invite, lastSeq) = join;
        if (invite is not null && !invites.IsValid(invite, roomId))
            return HubAcks.Fail(ErrorCodes.InvalidInvite, "The invite is not valid for this room, or has expired.");

        var connectionId = Context.ConnectionId;
        var node = relay.BeginJoin(roomId);
        RoomResult<JoinResult>? result = null;
        try
        {
            result = await rooms.JoinAsync(roomId, new JoinRoomCommand
            {
                User = actor,
                Connection = new RoomConnection { ConnectionId = connectionId, Node = node },
                Invited = invite is not null,
                LastSeq = lastSeq,
            }, password);
        }
        finally
        {
            if (!relay.EndJoin(roomId, connectionId, actor.UserId, result?.IsOk == true))
                await Room(roomId).DisconnectAsync(connectionId);
        }
        if (!result.IsOk) return HubAcks.Fail(result);
        var joined = result.Value!;
        return new HubAcks.Joined(joined.Room, joined.ChatHistory)
        {
            MissedEvents = joined.MissedEvents?.Select(e => new HubAcks.MissedEvent(e.Name, e)).ToList(),
            Resync = joined.Resync,
        };
    }, HubAction.Join);

    [HubMethodName("leave_room")]
    public Task<object> LeaveRoom(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).LeaveAsync(actor.UserId);
        return result.IsOk ? HubAcks.Done.Instance : HubAcks.Fail(result);
    }, HubAction.Leave);

    [HubMethodName("update_playback")]
    public Task<object> UpdatePlayback(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var command = RoomRequests.ReadPlayback(body);
        if (!body.IsValid) return Invalid(body);
        return HubAcks.Of(await Room(roomId!).UpdatePlaybackAsync(actor.UserId, command!), v => new HubAcks.Playback(v));
    }, HubAction.Playback);

    [HubMethodName("chat_message")]
    public Task<object> ChatMessage(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var text = RoomRequests.ReadChatText(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).SendChatAsync(actor.UserId, text!);
        return result.IsOk ? new HubAcks.Chat(result.Value!) : HubAcks.Fail(result);
    }, HubAction.Chat);

    [HubMethodName("reaction")]
    public Task<object> Reaction(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var emoji = RoomRequests.ReadEmoji(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).ReactAsync(actor.UserId, emoji!);
        return result.IsOk ? HubAcks.Done.Instance : HubAcks.Fail(result);
    }, HubAction.Reaction);

    [HubMethodName("sync_time")]
    public Task<object> SyncTime(JsonElement payload)
    {
        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Run(payload, async (_, body) =>
        {
            var clientTime = body.Number("client_time", required: true);
            var rtt = RoomRequests.ReadRtt(body);
            if (!body.IsValid) return Invalid(body);
            var ack = new HubAcks.SyncTime(clientTime!.Value, receivedAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (rtt is { } rttMs) await ReportRttAsync(rttMs);
            return ack;
        }, HubAction.SyncTime);
    }

    /// <summary>Tells the rooms of this connection its RTT when its minimum of the last 8 changed.</summary>
    private async Task ReportRttAsync(int rttMs)
    {
        if (relay.ReportRtt(Context.ConnectionId, rttMs) is not { } changed) return;
        foreach (var roomId in changed.Rooms)
            await Room(roomId).ReportRttAsync(Context.ConnectionId, changed.RttMs);
    }

    [HubMethodName("report_status")]
    public Task<object> ReportStatus(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var report = RoomRequests.ReadStatusReport(body);
        if (!body.IsValid) return Invalid(body);
        if (report!.RttMs is { } rtt) await ReportRttAsync(rtt);
        return Ack(await Room(roomId!).ReportStatusAsync(actor.UserId, report));
    }, HubAction.Status);

    [HubMethodName("set_role")]
    public Task<object> SetRole(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        var role = RoomRequests.ReadRole(body);
        if (!body.IsValid) return Invalid(body);
        return Ack(await Room(roomId!).SetRoleAsync(actor.UserId, userId!, role!));
    }, HubAction.Moderation);

    [HubMethodName("transfer_host")]
    public Task<object> TransferHost(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        if (!body.IsValid) return Invalid(body);
        return Ack(await Room(roomId!).TransferHostAsync(actor.UserId, userId!));
    }, HubAction.Moderation);

    [HubMethodName("kick_member")]
    public Task<object> KickMember(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        var ban = body.Bool("ban") ?? false;
        if (!body.IsValid) return Invalid(body);
        return Ack(await Room(roomId!).KickAsync(actor.UserId, userId!, ban));
    }, HubAction.Moderation);

    [HubMethodName("update_settings")]
    public Task<object> UpdateSettings(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var patch = body.Object("settings", required: true) is { } settings ? RoomRequests.ReadSettingsPatch(settings) : null;
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).UpdateSettingsAsync(actor.UserId, patch!);
        return result.IsOk ? new HubAcks.SettingsUpdated(result.Value!) : HubAcks.Fail(result);
    }, HubAction.Moderation);

    [HubMethodName("queue_add")]
    public Task<object> QueueAdd(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var add = RoomRequests.ReadQueueAdd(body);
        if (!body.IsValid) return Invalid(body);
        return HubAcks.Of(await rooms.QueueAddAsync(roomId!, actor.UserId, add!, Context.ConnectionAborted), v => new HubAcks.QueuedItem(v));
    }, HubAction.Queue);

    [HubMethodName("queue_remove")]
    public Task<object> QueueRemove(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var itemId = RoomRequests.ReadQueueItemId(body);
        if (!body.IsValid) return Invalid(body);
        return Ack(await Room(roomId!).QueueRemoveAsync(actor.UserId, itemId!));
    }, HubAction.Queue);

    [HubMethodName("queue_move")]
    public Task<object> QueueMove(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        var itemId = RoomRequests.ReadQueueItemId(body);
        var index = RoomRequests.ReadQueueIndex(body);
        if (!body.IsValid) return Invalid(body);
        return Ack(await Room(roomId!).QueueMoveAsync(actor.UserId, itemId!, index!.Value));
    }, HubAction.Queue);

    [HubMethodName("play_next")]
    public Task<object> PlayNext(JsonElement payload) => Run(payload, async (actor, body) =>
    {
        var roomId = RoomRequests.ReadRoomId(body);
        if (!body.IsValid) return Invalid(body);
        var result = await Room(roomId!).PlayNextAsync(actor.UserId);
        return result.IsOk ? new HubAcks.Playback(result.Value!) : HubAcks.Fail(result);
    }, HubAction.Queue);

    private static object Ack<T>(RoomResult<T> result) => result.IsOk ? HubAcks.Done.Instance : HubAcks.Fail(result);

    private IRoomGrain Room(string roomId) => rooms.Room(roomId);

    private static object Invalid(PayloadReader body) => HubAcks.Fail(ErrorCodes.InvalidPayload, body.Summary);

    /// <summary>
    /// Checks the token is still valid and the method's rate limit (every method has one), reads the
    /// payload, and turns any failure into an ack. A connection that keeps hitting the limit is closed.
    /// </summary>
    private async Task<object> Run(JsonElement payload, Func<Actor, PayloadReader, Task<object>> handle, HubAction limited,
        [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ConnectionId"] = Context.ConnectionId,
            ["UserId"] = Context.User?.FindFirst("sub")?.Value,
        });
        var ack = await RunUnmeasured(payload, handle, limited);
        CinemaSyncTelemetry.HubAcks.Add(1, new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("result", ack is HubAcks.Failed failed ? failed.Error : "ok"));
        return ack;
    }

    private async Task<object> RunUnmeasured(JsonElement payload, Func<Actor, PayloadReader, Task<object>> handle, HubAction limited)
    {
        if (Context.User is not { } user || user.IsExpired(clock.GetUtcNow()))
            return HubAcks.Fail(ErrorCodes.Unauthorized, "The token has expired; sign in again and reconnect.");
        if (!limiter.TryAcquire(limited, Context.ConnectionId, user.UserId()))
        {
            if (limiter.RefusedTooOften(Context.ConnectionId))
            {
                logger.LogWarning("Closing connection {ConnectionId}: it kept flooding the hub", Context.ConnectionId);
                Context.Abort();
            }
            return HubAcks.Fail(ErrorCodes.RateLimited, "Too many requests; slow down.");
        }
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

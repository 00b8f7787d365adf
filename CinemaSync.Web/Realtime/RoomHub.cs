using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Rooms;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// The realtime API at <c>/hubs/room</c>. Thin: identity from the token, one room call per method,
/// an ack for every outcome. Payloads arrive as raw JSON and are read here, so a wrongly typed field
/// is an <c>invalid_payload</c> ack rather than a binding exception. Token expiry, rate limits, the
/// ack metrics and the catch-all are <see cref="RoomHubFilter"/>'s.
/// </summary>
[Authorize]
public sealed class RoomHub(RoomEventRelay relay, RoomGateway rooms, InviteTokens invites, TimeProvider clock, ILogger<RoomHub> logger) : Hub
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
                await rooms.Room(roomId).DisconnectAsync(Context.ConnectionId);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Room {RoomId}: could not report a dropped connection; the node's next re-subscription will", roomId);
            }
        }
    }

    [HubMethodName("join_room"), HubLimit(HubAction.Join)]
    public async Task<object> JoinRoom(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        if (RoomRequests.ReadJoin(body) is not { } join) return HubAcks.Invalid(body);
        if (join.Invite is not null && !invites.IsValid(join.Invite, join.RoomId))
            return HubAcks.Fail(ErrorCodes.InvalidInvite, "The invite is not valid for this room, or has expired.");

        var connectionId = Context.ConnectionId;
        var node = relay.BeginJoin(join.RoomId);
        RoomResult<JoinResult>? result = null;
        try
        {
            result = await rooms.JoinAsync(join.RoomId, new JoinRoomCommand
            {
                User = Actor,
                Connection = new RoomConnection { ConnectionId = connectionId, Node = node },
                Invited = join.Invite is not null,
                LastSeq = join.LastSeq,
            }, join.Password);
        }
        finally
        {
            if (!relay.EndJoin(join.RoomId, connectionId, UserId, result?.IsOk == true))
                await rooms.Room(join.RoomId).DisconnectAsync(connectionId);
        }
        return HubAcks.Of(result!, joined => new HubAcks.Joined(joined.Room, joined.ChatHistory)
        {
            MissedEvents = joined.MissedEvents?.Select(e => new HubAcks.MissedEvent(e.Name, e)).ToList(),
            Resync = joined.Resync,
        });
    }

    [HubMethodName("leave_room"), HubLimit(HubAction.Leave)]
    public async Task<object> LeaveRoom(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).LeaveAsync(UserId));
    }

    [HubMethodName("update_playback"), HubLimit(HubAction.Playback)]
    public async Task<object> UpdatePlayback(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var command = RoomRequests.ReadPlayback(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).UpdatePlaybackAsync(UserId, command!), state => new HubAcks.Playback(state));
    }

    [HubMethodName("chat_message"), HubLimit(HubAction.Chat)]
    public async Task<object> ChatMessage(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var text = RoomRequests.ReadChatText(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).SendChatAsync(UserId, text!), message => new HubAcks.Chat(message));
    }

    [HubMethodName("reaction"), HubLimit(HubAction.Reaction)]
    public async Task<object> Reaction(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var emoji = RoomRequests.ReadEmoji(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).ReactAsync(UserId, emoji!));
    }

    [HubMethodName("sync_time"), HubLimit(HubAction.SyncTime)]
    public async Task<object> SyncTime(JsonElement payload)
    {
        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var body = PayloadReader.Open(payload);
        var clientTime = body.Number("client_time", required: true);
        var rtt = RoomRequests.ReadRtt(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        var ack = new HubAcks.SyncTime(clientTime!.Value, receivedAt, clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (rtt is { } rttMs) await ReportRttAsync(rttMs);
        return ack;
    }

    [HubMethodName("report_status"), HubLimit(HubAction.Status)]
    public async Task<object> ReportStatus(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var report = RoomRequests.ReadStatusReport(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        if (report!.RttMs is { } rtt) await ReportRttAsync(rtt);
        return HubAcks.Of(await rooms.Room(roomId!).ReportStatusAsync(UserId, report));
    }

    /// <summary>Tells the rooms of this connection its RTT when its minimum of the last 8 changed.</summary>
    private async Task ReportRttAsync(int rttMs)
    {
        if (relay.ReportRtt(Context.ConnectionId, rttMs) is not { } changed) return;
        foreach (var roomId in changed.Rooms)
            await rooms.Room(roomId).ReportRttAsync(Context.ConnectionId, changed.RttMs);
    }

    [HubMethodName("set_role"), HubLimit(HubAction.Moderation)]
    public async Task<object> SetRole(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        var role = RoomRequests.ReadRole(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).SetRoleAsync(UserId, userId!, role!));
    }

    [HubMethodName("transfer_host"), HubLimit(HubAction.Moderation)]
    public async Task<object> TransferHost(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).TransferHostAsync(UserId, userId!));
    }

    [HubMethodName("kick_member"), HubLimit(HubAction.Moderation)]
    public async Task<object> KickMember(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var userId = RoomRequests.ReadUserId(body);
        var ban = body.Bool("ban") ?? false;
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).KickAsync(UserId, userId!, ban));
    }

    [HubMethodName("update_settings"), HubLimit(HubAction.Moderation)]
    public async Task<object> UpdateSettings(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var patch = body.Object("settings", required: true) is { } settings ? RoomRequests.ReadSettingsPatch(settings) : null;
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).UpdateSettingsAsync(UserId, patch!), merged => new HubAcks.SettingsUpdated(merged));
    }

    [HubMethodName("queue_add"), HubLimit(HubAction.Queue)]
    public async Task<object> QueueAdd(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var add = RoomRequests.ReadQueueAdd(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.QueueAddAsync(roomId!, UserId, add!, Context.ConnectionAborted), item => new HubAcks.QueuedItem(item));
    }

    [HubMethodName("queue_remove"), HubLimit(HubAction.Queue)]
    public async Task<object> QueueRemove(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var itemId = RoomRequests.ReadQueueItemId(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).QueueRemoveAsync(UserId, itemId!));
    }

    [HubMethodName("queue_move"), HubLimit(HubAction.Queue)]
    public async Task<object> QueueMove(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var itemId = RoomRequests.ReadQueueItemId(body);
        var index = RoomRequests.ReadQueueIndex(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).QueueMoveAsync(UserId, itemId!, index!.Value));
    }

    [HubMethodName("play_next"), HubLimit(HubAction.Queue)]
    public async Task<object> PlayNext(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.Room(roomId!).PlayNextAsync(UserId), state => new HubAcks.Playback(state));
    }

    /// <summary>Who is calling; <see cref="RoomHubFilter"/> lets no call through without a valid token.</summary>
    private Actor Actor => Context.User!.Actor();

    private string UserId => Context.User!.UserId();
}

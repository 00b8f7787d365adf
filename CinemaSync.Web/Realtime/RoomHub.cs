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
public sealed class RoomHub(
    LocalConnections connections, RoomSubscriptions subscriptions, RoomGateway rooms, InviteTokens invites, TimeProvider clock,
    ILogger<RoomHub> logger) : Hub
{
    public const string Path = RoomHubNames.Path;

    public override Task OnConnectedAsync()
    {
        connections.Connected(Context.ConnectionId, UserId);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var roomId in connections.Disconnected(Context.ConnectionId))
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

    [HubMethodName(RoomHubNames.JoinRoom), HubLimit(HubAction.Join)]
    public async Task<object> JoinRoom(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        if (RoomRequests.ReadJoin(body) is not { } join) return HubAcks.Invalid(body);
        if (join.Invite is not null && !invites.IsValid(join.Invite, join.RoomId))
            return HubAcks.Fail(ErrorCodes.InvalidInvite, "The invite is not valid for this room, or has expired.");

        // The room tells this node's observer that the connection is in (NodeRoomObserver.OnConnectionJoinedAsync).
        using var hold = subscriptions.HoldForJoin(join.RoomId);
        var result = await rooms.JoinAsync(join.RoomId, new JoinRoomCommand
        {
            User = Actor,
            Connection = new RoomConnection { ConnectionId = Context.ConnectionId, Node = hold.Node },
            Invited = join.Invite is not null,
            LastSeq = join.LastSeq,
        }, join.Password);
        return HubAcks.Of(result, joined => new HubAcks.Joined(joined.Room, joined.ChatHistory, joined.Subtitle)
        {
            MissedEvents = joined.MissedEvents?.Select(e => new HubAcks.MissedEvent(e.Name, e)).ToList(),
            Resync = joined.Resync,
        });
    }

    [HubMethodName(RoomHubNames.LeaveRoom), HubLimit(HubAction.Leave)]
    public Task<object> LeaveRoom(JsonElement payload) => InRoom(payload, async room => HubAcks.Of(await room.LeaveAsync(UserId)));

    [HubMethodName(RoomHubNames.UpdatePlayback), HubLimit(HubAction.Playback)]
    public Task<object> UpdatePlayback(JsonElement payload) => InRoom(payload, RoomRequests.ReadPlayback,
        async (room, command) => HubAcks.Of(await room.UpdatePlaybackAsync(UserId, command!), state => new HubAcks.Playback(state)));

    [HubMethodName(RoomHubNames.ChatMessage), HubLimit(HubAction.Chat)]
    public Task<object> ChatMessage(JsonElement payload) => InRoom(payload, RoomRequests.ReadChatText,
        async (room, text) => HubAcks.Of(await room.SendChatAsync(UserId, text!), message => new HubAcks.Chat(message)));

    [HubMethodName(RoomHubNames.Reaction), HubLimit(HubAction.Reaction)]
    public Task<object> Reaction(JsonElement payload) => InRoom(payload, RoomRequests.ReadEmoji,
        async (room, emoji) => HubAcks.Of(await room.ReactAsync(UserId, emoji!)));

    [HubMethodName(RoomHubNames.SyncTime), HubLimit(HubAction.SyncTime)]
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

    [HubMethodName(RoomHubNames.ReportStatus), HubLimit(HubAction.Status)]
    public Task<object> ReportStatus(JsonElement payload) => InRoom(payload, RoomRequests.ReadStatusReport, async (room, report) =>
    {
        if (report!.RttMs is { } rtt) await ReportRttAsync(rtt);
        return HubAcks.Of(await room.ReportStatusAsync(UserId, report));
    });

    /// <summary>Tells the rooms of this connection its RTT when its minimum of the last 8 changed.</summary>
    private async Task ReportRttAsync(int rttMs)
    {
        if (connections.ReportRtt(Context.ConnectionId, rttMs) is not { } changed) return;
        foreach (var roomId in changed.Rooms)
            await rooms.Room(roomId).ReportRttAsync(Context.ConnectionId, changed.RttMs);
    }

    [HubMethodName(RoomHubNames.SetRole), HubLimit(HubAction.Moderation)]
    public Task<object> SetRole(JsonElement payload) => InRoom(payload,
        static body => (User: RoomRequests.ReadUserId(body), Role: RoomRequests.ReadRole(body)),
        async (room, change) => HubAcks.Of(await room.SetRoleAsync(UserId, change.User!, change.Role!)));

    [HubMethodName(RoomHubNames.TransferHost), HubLimit(HubAction.Moderation)]
    public Task<object> TransferHost(JsonElement payload) => InRoom(payload, RoomRequests.ReadUserId,
        async (room, userId) => HubAcks.Of(await room.TransferHostAsync(UserId, userId!)));

    [HubMethodName(RoomHubNames.KickMember), HubLimit(HubAction.Moderation)]
    public Task<object> KickMember(JsonElement payload) => InRoom(payload,
        static body => (User: RoomRequests.ReadUserId(body), Ban: body.Bool("ban") ?? false),
        async (room, kick) => HubAcks.Of(await room.KickAsync(UserId, kick.User!, kick.Ban)));

    [HubMethodName(RoomHubNames.UpdateSettings), HubLimit(HubAction.Moderation)]
    public Task<object> UpdateSettings(JsonElement payload) => InRoom(payload, RoomRequests.ReadSettingsUpdate,
        async (room, patch) => HubAcks.Of(await room.UpdateSettingsAsync(UserId, patch!), merged => new HubAcks.SettingsUpdated(merged)));

    [HubMethodName(RoomHubNames.QueueAdd), HubLimit(HubAction.Queue)]
    public async Task<object> QueueAdd(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var add = RoomRequests.ReadQueueAdd(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.QueueAddAsync(roomId!, UserId, add!, Context.ConnectionAborted), item => new HubAcks.QueuedItem(item));
    }

    [HubMethodName(RoomHubNames.QueueRemove), HubLimit(HubAction.Queue)]
    public Task<object> QueueRemove(JsonElement payload) => InRoom(payload, RoomRequests.ReadQueueItemId,
        async (room, itemId) => HubAcks.Of(await room.QueueRemoveAsync(UserId, itemId!)));

    [HubMethodName(RoomHubNames.QueueMove), HubLimit(HubAction.Queue)]
    public Task<object> QueueMove(JsonElement payload) => InRoom(payload,
        static body => (Item: RoomRequests.ReadQueueItemId(body), Index: RoomRequests.ReadQueueIndex(body)),
        async (room, move) => HubAcks.Of(await room.QueueMoveAsync(UserId, move.Item!, move.Index!.Value)));

    [HubMethodName(RoomHubNames.PlayNext), HubLimit(HubAction.Queue)]
    public Task<object> PlayNext(JsonElement payload) =>
        InRoom(payload, async room => HubAcks.Of(await room.PlayNextAsync(UserId), state => new HubAcks.Playback(state)));

    [HubMethodName(RoomHubNames.SubtitleAdd), HubLimit(HubAction.Queue)]
    public async Task<object> SubtitleAdd(JsonElement payload)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var add = RoomRequests.ReadSubtitleAdd(body);
        if (!body.IsValid) return HubAcks.Invalid(body);
        return HubAcks.Of(await rooms.SubtitleAddAsync(roomId!, UserId, add!, Context.ConnectionAborted), track => new HubAcks.TrackReply(track));
    }

    [HubMethodName(RoomHubNames.SubtitleRemove), HubLimit(HubAction.Queue)]
    public Task<object> SubtitleRemove(JsonElement payload) => InRoom(payload, RoomRequests.ReadTrackId,
        async (room, trackId) => HubAcks.Of(await room.SubtitleRemoveAsync(UserId, trackId!)));

    [HubMethodName(RoomHubNames.SubtitleRename), HubLimit(HubAction.Queue)]
    public Task<object> SubtitleRename(JsonElement payload) => InRoom(payload,
        static body => (TrackId: RoomRequests.ReadTrackId(body), Rename: RoomRequests.ReadSubtitleRename(body)),
        async (room, r) => HubAcks.Of(await room.SubtitleRenameAsync(UserId, r.TrackId!, r.Rename!.Label, r.Rename.Language), track => new HubAcks.TrackReply(track)));

    [HubMethodName(RoomHubNames.SubtitleDefault), HubLimit(HubAction.Queue)]
    public Task<object> SubtitleDefault(JsonElement payload) => InRoom(payload, RoomRequests.ReadTrackChoice,
        async (room, trackId) => HubAcks.Of(await room.SetSubtitleDefaultAsync(UserId, trackId)));

    [HubMethodName(RoomHubNames.SetSubtitle), HubLimit(HubAction.Playback)]
    public Task<object> SetSubtitle(JsonElement payload) => InRoom(payload, RoomRequests.ReadTrackChoice,
        async (room, trackId) => HubAcks.Of(await room.ChooseSubtitleAsync(UserId, trackId), choice => new HubAcks.SubtitleChosen(choice)));

    /// <summary>
    /// A command on one room: reads <c>room_id</c>, then the rest with <paramref name="read"/> (a
    /// <see cref="RoomRequests"/> reader); any problem is an <c>invalid_payload</c> ack, else
    /// <paramref name="handle"/> runs with the room's grain and what was read.
    /// </summary>
    private async Task<object> InRoom<T>(JsonElement payload, Func<PayloadReader, T> read, Func<IRoomGrain, T, Task<object>> handle)
    {
        var body = PayloadReader.Open(payload);
        var roomId = RoomRequests.ReadRoomId(body);
        var request = read(body);
        return body.IsValid ? await handle(rooms.Room(roomId!), request) : HubAcks.Invalid(body);
    }

    /// <summary>A command on one room that needs nothing but <c>room_id</c>.</summary>
    private Task<object> InRoom(JsonElement payload, Func<IRoomGrain, Task<object>> handle) =>
        InRoom(payload, static _ => true, (room, _) => handle(room));

    /// <summary>Who is calling; <see cref="RoomHubFilter"/> lets no call through without a valid token.</summary>
    private Actor Actor => Context.User!.Actor();

    private string UserId => Context.User!.UserId();
}

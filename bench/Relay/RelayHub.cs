using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Bench.Relay;

/// <summary>
/// The floor of the room protocol: the hub methods and events the load tester uses, with the
/// contract's names and shapes, on plain SignalR groups (no Orleans, no persistence). Like the
/// real hub it takes each payload as a JsonElement and answers expected failures with an ack.
/// </summary>
[Authorize]
public sealed class RelayHub(RelayState state, RelayFaults faults) : Hub
{
    private string UserId => Context.User?.FindFirst("sub")?.Value ?? throw new HubException("unauthorized");

    [HubMethodName("join_room")]
    public async Task<object> JoinRoom(JsonElement payload)
    {
        if (!TryRoom(payload, out var room, out var refusal))
        {
            return refusal;
        }
        string userId = UserId;
        // Into the group first: every event numbered after the join's seq reaches this connection.
        await Groups.AddToGroupAsync(Context.ConnectionId, room.Group);
        Task broadcast = Task.CompletedTask;
        RoomDto snapshot;
        lock (room.Gate)
        {
            if (!room.ConnectionIds.Contains(Context.ConnectionId))
            {
                room.ConnectionIds.Add(Context.ConnectionId);
            }
            int index = room.Participants.FindIndex(p => p.UserId == userId);
            if (index < 0)
            {
                if (room.Participants.Count >= room.MaxParticipants)
                {
                    snapshot = null!;
                }
                else
                {
                    var participant = new Participant(userId, state.DisplayName(userId), "member", true);
                    room.Participants.Add(participant);
                    room.Seq++;
                    broadcast = Clients.OthersInGroup(room.Group).SendAsync("user_joined", new UserJoined(room.RoomId, participant, room.Seq));
                    snapshot = room.Snapshot();
                }
            }
            else
            {
                room.Participants[index] = room.Participants[index] with { Connected = true };
                snapshot = room.Snapshot();
            }
        }
        if (snapshot is null)
        {
            lock (room.Gate)
            {
                room.ConnectionIds.Remove(Context.ConnectionId);
            }
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, room.Group);
            return new ErrorAck("room_full", "the room is full");
        }
        Context.Items[room.RoomId] = room;
        await broadcast;
        await Clients.Caller.SendAsync("room_joined", new RoomJoined(room.RoomId, snapshot, snapshot.Seq));
        return new JoinAck(snapshot, []);
    }

    [HubMethodName("leave_room")]
    public async Task<object> LeaveRoom(JsonElement payload)
    {
        if (!TryJoinedRoom(payload, out var room, out var refusal))
        {
            return refusal;
        }
        string userId = UserId;
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, room.Group);
        Context.Items.Remove(room.RoomId);
        Task broadcast = Task.CompletedTask;
        lock (room.Gate)
        {
            room.ConnectionIds.Remove(Context.ConnectionId);
            if (room.Participants.RemoveAll(p => p.UserId == userId) > 0)
            {
                room.Seq++;
                broadcast = Clients.Group(room.Group).SendAsync("user_left", new UserLeft(room.RoomId, userId, room.Seq));
            }
        }
        await broadcast;
        return Ack.Success;
    }

    [HubMethodName("update_playback")]
    public async Task<object> UpdatePlayback(JsonElement payload)
    {
        if (!TryJoinedRoom(payload, out var room, out var refusal))
        {
            return refusal;
        }
        string? status = payload.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (status is not ("playing" or "paused"))
        {
            return Invalid("status must be playing or paused");
        }
        if (!payload.TryGetProperty("position", out var p) || p.ValueKind != JsonValueKind.Number
            || !p.TryGetDouble(out double position) || !double.IsFinite(position) || position < 0)
        {
            return Invalid("position must be a finite number >= 0");
        }
        double rate = 1;
        if (payload.TryGetProperty("rate", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.Number || !r.TryGetDouble(out rate) || !double.IsFinite(rate) || rate < 0.25 || rate > 4)
            {
                return Invalid("rate must be within 0.25..4");
            }
        }
        long? baseVersion = null;
        if (payload.TryGetProperty("base_version", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind != JsonValueKind.Number || !b.TryGetInt64(out long bv))
            {
                return Invalid("base_version must be an integer");
            }
            baseVersion = bv;
        }
        string userId = UserId;
        if (room.HostId != userId)
        {
            return new ErrorAck("not_host", "only the host controls playback");
        }
        Task broadcast;
        PlaybackState next;
        lock (room.Gate)
        {
            if (baseVersion is long expected && expected != room.Playback.Version)
            {
                return new StalePlaybackAck("stale_version", "the playback state changed", room.Playback);
            }
            next = new PlaybackState(status, position, rate, RelayState.Now(), room.Playback.Version + 1);
            room.Playback = next;
            room.Seq++;
            var update = new PlaybackUpdated(room.RoomId, next, userId, room.Seq);
            long n = ++room.PlaybackBroadcasts;
            broadcast = faults.DropEvery > 0 && n % faults.DropEvery == 0 && room.ConnectionIds.Count > 0
                ? Clients.GroupExcept(room.Group, room.ConnectionIds[^1]).SendAsync("playback_updated", update)
                : Clients.Group(room.Group).SendAsync("playback_updated", update);
            if (faults.DuplicateEvery > 0 && n % faults.DuplicateEvery == 0)
            {
                broadcast = Task.WhenAll(broadcast, Clients.Group(room.Group).SendAsync("playback_updated", update));
            }
        }
        await broadcast;
        return new PlaybackAck(next);
    }

    [HubMethodName("chat_message")]
    public async Task<object> ChatMessage(JsonElement payload)
    {
        if (!TryJoinedRoom(payload, out var room, out var refusal))
        {
            return refusal;
        }
        string? text = payload.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()?.Trim() : null;
        if (string.IsNullOrEmpty(text) || CodePoints(text) > 1000)
        {
            return Invalid("text must be 1..1000 characters");
        }
        string userId = UserId;
        Task broadcast;
        ChatMessage message;
        lock (room.Gate)
        {
            message = new ChatMessage(RelayState.NewId(12), userId, state.DisplayName(userId), text, RelayState.Now());
            room.Seq++;
            broadcast = Clients.Group(room.Group).SendAsync("new_chat_message", new NewChatMessage(room.RoomId, message, room.Seq));
        }
        await broadcast;
        return new ChatAck(message);
    }

    [HubMethodName("reaction")]
    public async Task<object> Reaction(JsonElement payload)
    {
        if (!TryJoinedRoom(payload, out var room, out var refusal))
        {
            return refusal;
        }
        string? emoji = payload.TryGetProperty("emoji", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (string.IsNullOrEmpty(emoji) || CodePoints(emoji) > 16)
        {
            return Invalid("emoji must be 1..16 characters");
        }
        string userId = UserId;
        Task broadcast;
        lock (room.Gate)
        {
            room.Seq++;
            broadcast = Clients.Group(room.Group).SendAsync("new_reaction", new NewReaction(room.RoomId, userId, emoji, RelayState.Now(), room.Seq));
        }
        await broadcast;
        return Ack.Success;
    }

    [HubMethodName("sync_time")]
    public object SyncTime(JsonElement payload)
    {
        long receivedAt = RelayState.Now();
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("client_time", out var c)
            || c.ValueKind != JsonValueKind.Number || !c.TryGetInt64(out long clientTime))
        {
            return Invalid("client_time must be an integer");
        }
        return new SyncTimeAck(clientTime, receivedAt, RelayState.Now());
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var item in Context.Items)
        {
            if (item.Value is RelayRoom room)
            {
                lock (room.Gate)
                {
                    room.ConnectionIds.Remove(Context.ConnectionId);
                }
            }
        }
        return base.OnDisconnectedAsync(exception);
    }

    private bool TryRoom(JsonElement payload, out RelayRoom room, out object refusal)
    {
        room = null!;
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("room_id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            refusal = Invalid("room_id is required");
            return false;
        }
        var found = state.Find(id.GetString());
        if (found is null)
        {
            refusal = new ErrorAck("room_not_found", "no such room");
            return false;
        }
        room = found;
        refusal = Ack.Success;
        return true;
    }

    private bool TryJoinedRoom(JsonElement payload, out RelayRoom room, out object refusal)
    {
        if (!TryRoom(payload, out room, out refusal))
        {
            return false;
        }
        if (!Context.Items.ContainsKey(room.RoomId))
        {
            refusal = new ErrorAck("not_member", "join the room first");
            return false;
        }
        return true;
    }

    private static ErrorAck Invalid(string message) => new("invalid_payload", message);

    private static int CodePoints(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RelayHub {Context.ConnectionId}");
}

using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// What someone asks of a room, answered with a <typeparamref name="TReply"/> or a refusal. Ids
/// that must be new (messages, queue items) and the password hash function come in with the command, so that
/// the core stays deterministic.
/// </summary>
public abstract record RoomCommand<TReply>;

/// <summary><paramref name="HashPassword"/> is called only for a private room, the only kind that keeps a password.</summary>
public sealed record CreateRoom(CreateRoomCommand Command, Func<string, string> HashPassword) : RoomCommand<RoomView>;

/// <summary>Counts a join password before it is checked; the reply is the hash to check it against, null when no check is needed.</summary>
public sealed record BeginPasswordCheck(string UserId) : RoomCommand<string?>;

public sealed record FinishPasswordCheck(string UserId, bool Right) : RoomCommand<Done>;

/// <summary>A join; with a connection (hub) the member's node relays the room's events to it.</summary>
public sealed record JoinRoom(Actor User, string? ConnectionId, string? NodeId, bool Invited) : RoomCommand<JoinReply>;

/// <summary>The join's answer, and what the adapter needs to resume the member.</summary>
public sealed record JoinReply(JoinResult Result, bool IsNew, long SeqBefore);

public sealed record LeaveRoom(string UserId) : RoomCommand<Done>;

public sealed record UpdatePlayback(string UserId, PlaybackCommand Command) : RoomCommand<PlaybackState>;

public sealed record SendChat(string UserId, string Text, string MessageId) : RoomCommand<ChatMessage>;

public sealed record React(string UserId, string Emoji) : RoomCommand<Done>;

public sealed record SetVideo(string UserId, MovieSource Source) : RoomCommand<RoomView>;

public sealed record CloseRoom(string UserId) : RoomCommand<Done>;

public sealed record Disconnect(string ConnectionId) : RoomCommand<Done>;

/// <summary>A node's re-subscription; the reply lists the connections the room refused.</summary>
public sealed record Subscribe(string NodeId, IReadOnlyList<LocalConnection> Connections) : RoomCommand<IReadOnlyList<string>>;

public sealed record ReportRtt(string ConnectionId, int RttMs) : RoomCommand<Done>;

public sealed record ReportStatus(string UserId, StatusReport Report) : RoomCommand<Done>;

public sealed record SetRole(string UserId, string TargetUserId, string Role) : RoomCommand<Done>;

public sealed record TransferHost(string UserId, string TargetUserId) : RoomCommand<Done>;

public sealed record Kick(string UserId, string TargetUserId, bool Ban) : RoomCommand<Done>;

public sealed record UpdateSettings(string UserId, SettingsPatch Patch) : RoomCommand<RoomSettings>;

public sealed record QueueAdd(string UserId, MovieSource Source, string? Title, string ItemId) : RoomCommand<QueueItem>;

public sealed record QueueRemove(string UserId, string ItemId) : RoomCommand<Done>;

public sealed record QueueMove(string UserId, string ItemId, int Index) : RoomCommand<Done>;

public sealed record PlayNext(string UserId) : RoomCommand<PlaybackState>;

public sealed record RecordInvite(string UserId, long ExpiresAt) : RoomCommand<Done>;

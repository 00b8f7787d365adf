using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// What someone asks of a room, answered with a <typeparamref name="TReply"/> or a refusal. Ids
/// that must be new (messages, queue items) and the password hash function come in with the command, so that
/// the core stays deterministic.
/// </summary>
internal abstract record RoomCommand<TReply>;

/// <summary><paramref name="HashPassword"/> is called only for a private room, the only kind that keeps a password.</summary>
internal sealed record CreateRoom(CreateRoomCommand Command, Func<string, string> HashPassword) : RoomCommand<RoomView>;

/// <summary>Counts a join password before it is checked; the reply is the hash to check it against, null when no check is needed.</summary>
internal sealed record BeginPasswordCheck(string UserId) : RoomCommand<string?>;

internal sealed record FinishPasswordCheck(string UserId, bool Right) : RoomCommand<Done>;

/// <summary>A join; with a connection (hub) the member's node relays the room's events to it.</summary>
internal sealed record JoinRoom(Actor User, string? ConnectionId, string? NodeId, bool Invited) : RoomCommand<JoinReply>;

/// <summary>The join's answer, and what the adapter needs to resume the member.</summary>
internal sealed record JoinReply(JoinResult Result, bool IsNew, long SeqBefore);

internal sealed record LeaveRoom(string UserId) : RoomCommand<Done>;

internal sealed record UpdatePlayback(string UserId, PlaybackCommand Command) : RoomCommand<PlaybackState>;

internal sealed record SendChat(string UserId, string Text, string MessageId) : RoomCommand<ChatMessage>;

internal sealed record React(string UserId, string Emoji) : RoomCommand<Done>;

internal sealed record SetVideo(string UserId, MovieSource Source) : RoomCommand<RoomView>;

internal sealed record CloseRoom(string UserId) : RoomCommand<Done>;

internal sealed record Disconnect(string ConnectionId) : RoomCommand<Done>;

/// <summary>A node's re-subscription; the reply lists the connections the room refused.</summary>
internal sealed record Subscribe(string NodeId, IReadOnlyList<LocalConnection> Connections) : RoomCommand<IReadOnlyList<string>>;

internal sealed record ReportRtt(string ConnectionId, int RttMs) : RoomCommand<Done>;

internal sealed record ReportStatus(string UserId, StatusReport Report) : RoomCommand<Done>;

internal sealed record SetRole(string UserId, string TargetUserId, string Role) : RoomCommand<Done>;

internal sealed record TransferHost(string UserId, string TargetUserId) : RoomCommand<Done>;

internal sealed record Kick(string UserId, string TargetUserId, bool Ban) : RoomCommand<Done>;

internal sealed record UpdateSettings(string UserId, SettingsPatch Patch) : RoomCommand<RoomSettings>;

internal sealed record QueueAdd(string UserId, MovieSource Source, string? Title, string ItemId) : RoomCommand<QueueItem>;

internal sealed record QueueRemove(string UserId, string ItemId) : RoomCommand<Done>;

internal sealed record QueueMove(string UserId, string ItemId, int Index) : RoomCommand<Done>;

internal sealed record PlayNext(string UserId) : RoomCommand<PlaybackState>;

/// <summary>A track for the current video; its id is new (see <see cref="RoomCommand{TReply}"/>).</summary>
internal sealed record SubtitleAdd(string UserId, SubtitleTrack Track) : RoomCommand<SubtitleTrack>;

internal sealed record SubtitleRemove(string UserId, string TrackId) : RoomCommand<Done>;

/// <summary>A track's new label and/or language; null keeps the value.</summary>
internal sealed record SubtitleRename(string UserId, string TrackId, string? Label, string? Language) : RoomCommand<SubtitleTrack>;

/// <summary>The track members see until they choose; null: none.</summary>
internal sealed record SetSubtitleDefault(string UserId, string? TrackId) : RoomCommand<Done>;

/// <summary>A member's own track (null: none); the room keeps it for them and tells nobody else.</summary>
internal sealed record ChooseSubtitle(string UserId, string? TrackId) : RoomCommand<SubtitleChoice>;

internal sealed record RecordInvite(string UserId, long ExpiresAt) : RoomCommand<Done>;

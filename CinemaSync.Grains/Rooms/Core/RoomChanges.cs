using System.Text.Json.Serialization;
using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// Something that happened to a room: the only input of <see cref="RoomCore.Apply"/>. Each one
/// carries what it changes (decisions are made before, in <see cref="RoomCore.Decide{T}"/>), so
/// replaying the accepted changes from an empty room rebuilds the same room.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RoomCreated), "room_created")]
[JsonDerivedType(typeof(MemberJoined), "member_joined")]
[JsonDerivedType(typeof(MemberLeft), "member_left")]
[JsonDerivedType(typeof(RoomAnnounced), "room_announced")]
[JsonDerivedType(typeof(PlaybackChanged), "playback_changed")]
[JsonDerivedType(typeof(ChatPosted), "chat_posted")]
[JsonDerivedType(typeof(ReactionSent), "reaction_sent")]
[JsonDerivedType(typeof(VideoChanged), "video_changed")]
[JsonDerivedType(typeof(SettingsChanged), "settings_changed")]
[JsonDerivedType(typeof(RoomClosed), "room_closed")]
[JsonDerivedType(typeof(HostChanged), "host_changed")]
[JsonDerivedType(typeof(RoleChanged), "role_changed")]
[JsonDerivedType(typeof(PresenceChanged), "presence_changed")]
[JsonDerivedType(typeof(QueueChanged), "queue_changed")]
[JsonDerivedType(typeof(UserBanned), "user_banned")]
[JsonDerivedType(typeof(InviteRecorded), "invite_recorded")]
[JsonDerivedType(typeof(ConnectionOpened), "connection_opened")]
[JsonDerivedType(typeof(ConnectionClosed), "connection_closed")]
[JsonDerivedType(typeof(NodeSubscribed), "node_subscribed")]
[JsonDerivedType(typeof(NodeExpired), "node_expired")]
[JsonDerivedType(typeof(RttReported), "rtt_reported")]
[JsonDerivedType(typeof(SyncChanged), "sync_changed")]
[JsonDerivedType(typeof(BufferingChanged), "buffering_changed")]
[JsonDerivedType(typeof(CatchingUp), "catching_up")]
[JsonDerivedType(typeof(MemberForgotten), "member_forgotten")]
[JsonDerivedType(typeof(HostAway), "host_away")]
[JsonDerivedType(typeof(MemberStatusSent), "member_status_sent")]
[JsonDerivedType(typeof(PasswordAttempt), "password_attempt")]
[JsonDerivedType(typeof(SubtitlesChanged), "subtitles_changed")]
[JsonDerivedType(typeof(SubtitleChosen), "subtitle_chosen")]
internal abstract record RoomChange
{
    /// <summary>Server time (epoch ms) when the change was accepted.</summary>
    public long At { get; init; }
}

/// <summary>A change the store keeps: the room's durable state is the fold of these.</summary>
internal abstract record DurableChange : RoomChange;

/// <summary>A durable change that is broadcast as one room event; <see cref="Seq"/> is that event's seq.</summary>
internal abstract record NumberedChange : DurableChange
{
    public long Seq { get; init; }
}

/// <summary>A change of presence (connections, sync, buffering...): never stored, rebuilt from the web nodes.</summary>
internal abstract record SoftChange : RoomChange;

internal sealed record RoomCreated(string Name, string HostId, string HostName, bool IsPrivate, string? PasswordHash,
    MovieSource MovieSource, RoomSettings Settings, PlaybackState Playback) : DurableChange;

/// <summary><c>user_joined</c>; a member who joins an emptied room joins as its host.</summary>
internal sealed record MemberJoined(string UserId, string DisplayName, string Role) : NumberedChange;

/// <summary><c>user_left</c>; <see cref="HeirId"/> takes host when the host left.</summary>
internal sealed record MemberLeft(string UserId, bool Banned, string? HeirId) : NumberedChange;

/// <summary><c>room_updated</c> after a change of host: the room as it is now.</summary>
internal sealed record RoomAnnounced : NumberedChange;

/// <summary><c>playback_updated</c>; <see cref="By"/> is null when the server made the transition.</summary>
internal sealed record PlaybackChanged(PlaybackState Playback, string? By) : NumberedChange;

internal sealed record ChatPosted(ChatMessage Message) : NumberedChange;

internal sealed record ReactionSent(string UserId, string Emoji) : NumberedChange;

/// <summary><c>room_updated</c>: a new video, with the playback that goes with it.</summary>
internal sealed record VideoChanged(MovieSource MovieSource, PlaybackState Playback) : NumberedChange;

/// <summary><c>room_updated</c>: the merged settings.</summary>
internal sealed record SettingsChanged(RoomSettings Settings) : NumberedChange;

internal sealed record RoomClosed : NumberedChange;

/// <summary><c>host_changed</c>: the old host becomes a co-host.</summary>
internal sealed record HostChanged(string HostId, string? By) : NumberedChange;

internal sealed record RoleChanged(string UserId, string Role) : NumberedChange;

/// <summary><c>presence_changed</c>: a member's first connection came or last one went.</summary>
internal sealed record PresenceChanged(string UserId, bool Connected) : NumberedChange;

/// <summary><c>room_updated</c>: the current video's tracks and default track.</summary>
internal sealed record SubtitlesChanged(IReadOnlyList<SubtitleTrack> Tracks, string? DefaultTrackId) : NumberedChange;

/// <summary>A member chose their own track (null: none); stored, never broadcast.</summary>
internal sealed record SubtitleChosen(string UserId, string? TrackId) : DurableChange;

internal sealed record QueueChanged(IReadOnlyList<QueueItem> Queue) : NumberedChange;

/// <summary>A ban of someone who is not a participant (no event).</summary>
internal sealed record UserBanned(string UserId) : DurableChange;

/// <summary>An invite handed out; invites expired at <see cref="RoomChange.At"/> are dropped.</summary>
internal sealed record InviteRecorded(long ExpiresAt) : DurableChange;

internal sealed record ConnectionOpened(string ConnectionId, string UserId, string NodeId) : SoftChange;

/// <summary>A connection went; <see cref="Removed"/>: removed by the room, it stays out until it joins again.</summary>
internal sealed record ConnectionClosed(string ConnectionId, bool Removed) : SoftChange;

/// <summary>A web node re-subscribed: its connections of the room are exactly these.</summary>
internal sealed record NodeSubscribed(string NodeId, IReadOnlyList<LocalConnection> Connections) : SoftChange;

/// <summary>A web node stopped re-subscribing: it goes with its connections.</summary>
internal sealed record NodeExpired(string NodeId) : SoftChange;

internal sealed record RttReported(string ConnectionId, int RttMs) : SoftChange;

/// <summary>A member's sync health as the host sees it; marks <c>member_status</c> as due.</summary>
internal sealed record SyncChanged(string UserId, MemberSync Sync) : SoftChange;

/// <summary>A member starts or stops holding the room; a null user clears everyone.</summary>
internal sealed record BufferingChanged(string? UserId, bool Buffering) : SoftChange;

/// <summary>A member that held the room past the timeout cannot hold it again until <see cref="Until"/>.</summary>
internal sealed record CatchingUp(string UserId, long Until) : SoftChange;

/// <summary>A member left: their sync, buffering and catching-up are forgotten.</summary>
internal sealed record MemberForgotten(string UserId) : SoftChange;

/// <summary>The host's last connection went at <see cref="Since"/>; null: the host is back (or host changed).</summary>
internal sealed record HostAway(long? Since) : SoftChange;

internal sealed record MemberStatusSent : SoftChange;

internal enum PasswordAttemptKind { Counted, Admitted, AdmissionUsed }

/// <summary>A join password was counted, found right (the next join is let in), or that admission was used.</summary>
internal sealed record PasswordAttempt(string UserId, PasswordAttemptKind Kind) : SoftChange;

using Orleans.Concurrency;

namespace CinemaSync.Contracts;

/// <summary>One room, keyed by its room id. Holds members and the authoritative playback state.</summary>
[Alias("CinemaSync.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<RoomResult<RoomView>> CreateAsync(CreateRoomCommand command);
    /// <summary>The full room, for the server's own checks (never sent as is to someone who is not a participant).</summary>
    [Alias("Get")] Task<RoomView?> GetAsync();
    /// <summary>The room as <paramref name="userId"/> may see it; null when there is no such room.</summary>
    [Alias("Lookup")] Task<RoomLookup?> LookupAsync(string userId);

    /// <summary>
    /// Checks a join password before <see cref="JoinAsync"/>. Interleaved, and the key derivation
    /// runs on the thread pool: a guess never holds up the room's other commands. Counts wrong
    /// passwords per user (<c>rate_limited</c> past the limit, without checking); a right one lets
    /// the user's next join in. Ok without checking when no password is needed.
    /// </summary>
    [Alias("CheckPassword"), AlwaysInterleave] Task<RoomResult<Done>> CheckPasswordAsync(string userId, string password);
    [Alias("Join")] Task<RoomResult<JoinResult>> JoinAsync(JoinRoomCommand command);
    [Alias("Leave")] Task<RoomResult<Done>> LeaveAsync(string userId);
    [Alias("UpdatePlayback")] Task<RoomResult<PlaybackState>> UpdatePlaybackAsync(string userId, PlaybackCommand command);
    [Alias("Chat")] Task<RoomResult<ChatMessage>> SendChatAsync(string userId, string text);
    [Alias("React")] Task<RoomResult<Done>> ReactAsync(string userId, string emoji);
    [Alias("SetVideo")] Task<RoomResult<RoomView>> SetVideoAsync(string userId, MovieSource source);
    [Alias("Close")] Task<RoomResult<Done>> CloseAsync(string userId);

    /// <summary>A SignalR connection dropped: its member shows <c>connected: false</c> if it was their last.</summary>
    [Alias("Disconnect")] Task DisconnectAsync(string connectionId);

    [Alias("ReportRtt")] Task ReportRttAsync(string connectionId, int rttMs);
    [Alias("ReportStatus")] Task<RoomResult<Done>> ReportStatusAsync(string userId, StatusReport report);
    [Alias("SetRole")] Task<RoomResult<Done>> SetRoleAsync(string userId, string targetUserId, string role);
    [Alias("TransferHost")] Task<RoomResult<Done>> TransferHostAsync(string userId, string targetUserId);
    [Alias("Kick")] Task<RoomResult<Done>> KickAsync(string userId, string targetUserId, bool ban);
    [Alias("UpdateSettings")] Task<RoomResult<RoomSettings>> UpdateSettingsAsync(string userId, SettingsPatch patch);
    [Alias("QueueAdd")] Task<RoomResult<QueueItem>> QueueAddAsync(string userId, MovieSource source, string? title);
    [Alias("QueueRemove")] Task<RoomResult<Done>> QueueRemoveAsync(string userId, string itemId);
    [Alias("QueueMove")] Task<RoomResult<Done>> QueueMoveAsync(string userId, string itemId, int index);
    [Alias("PlayNext")] Task<RoomResult<PlaybackState>> PlayNextAsync(string userId);
    /// <summary>A subtitle track for the current video (host and co-hosts); the reply carries its new id.</summary>
    [Alias("SubtitleAdd")] Task<RoomResult<SubtitleTrack>> SubtitleAddAsync(string userId, string label, string language, MovieSource source);
    [Alias("SubtitleRemove")] Task<RoomResult<Done>> SubtitleRemoveAsync(string userId, string trackId);
    /// <summary>A new label and/or language for a track (host and co-hosts); null leaves that value as it is.</summary>
    [Alias("SubtitleRename")] Task<RoomResult<SubtitleTrack>> SubtitleRenameAsync(string userId, string trackId, string? label, string? language);
    [Alias("SubtitleDefault")] Task<RoomResult<Done>> SetSubtitleDefaultAsync(string userId, string? trackId);
    /// <summary>The caller's own track (null: none); kept for them, never broadcast.</summary>
    [Alias("ChooseSubtitle")] Task<RoomResult<SubtitleChoice>> ChooseSubtitleAsync(string userId, string? trackId);
    /// <summary>A participant's own subtitle track; null when <paramref name="userId"/> is not a participant.</summary>
    [Alias("SubtitleOf")] Task<SubtitleChoice?> SubtitleOfAsync(string userId);

    /// <summary>The caller's role, or null when not a participant (for invites).</summary>
    [Alias("RoleOf")] Task<string?> RoleOfAsync(string userId);

    /// <summary>An invite expiring at <paramref name="expiresAt"/> is handed out (host and co-hosts; bounded per room).</summary>
    [Alias("RecordInvite")] Task<RoomResult<Done>> RecordInviteAsync(string userId, long expiresAt);

    /// <summary>
    /// A web node (re-)subscribes with all its local connections of this room. Returns those the
    /// room did not accept (not a participant, or removed from the room): the node must stop
    /// sending them the room's events. <paramref name="forwardedSeq"/> is the seq of the last event
    /// the node forwarded (null: none yet); when the room is elsewhere, the node gets
    /// <see cref="IRoomObserver.OnCatchUpAsync"/> with the events after it, from the journal.
    /// </summary>
    [Alias("Subscribe")] Task<IReadOnlyList<string>> SubscribeAsync(IRoomObserver node, IReadOnlyList<LocalConnection> connections, long? forwardedSeq = null);
}

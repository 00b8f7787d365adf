namespace CinemaSync.Contracts;

/// <summary>The machine error codes of CONTRACT.md, shared by hub acks and REST problem details.</summary>
public static class ErrorCodes
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string InvalidPayload = "invalid_payload";
    public const string RoomNotFound = "room_not_found";
    public const string RoomClosed = "room_closed";
    public const string InvalidPassword = "invalid_password";
    public const string NotMember = "not_member";
    public const string NotHost = "not_host";
    public const string RoomFull = "room_full";
    public const string Banned = "banned";
    public const string ChatDisabled = "chat_disabled";
    public const string ReactionsDisabled = "reactions_disabled";
    public const string StaleVersion = "stale_version";
    public const string RateLimited = "rate_limited";
    public const string GoogleNotConnected = "google_not_connected";
    public const string DriveError = "drive_error";
    public const string FileNotFound = "file_not_found";
    public const string InvalidInvite = "invalid_invite";
    public const string ItemNotFound = "item_not_found";

    /// <summary>Not in the old backend: no subtitle track of that id on the room's video.</summary>
    public const string TrackNotFound = "track_not_found";

    /// <summary>Not in the old backend: a subtitle file that is not SubRip or WebVTT, is empty, or is too large.</summary>
    public const string InvalidSubtitle = "invalid_subtitle";

    /// <summary>Not in the old backend: a subtitle's direct link could not be read (unreachable, an error status, too slow).</summary>
    public const string SubtitleUnavailable = "subtitle_unavailable";

    /// <summary>Not in the old backend: a bounded list (bans, pending invites, queue) is full; nothing was changed.</summary>
    public const string LimitReached = "limit_reached";

    /// <summary>Not in the old backend: the store refused a write, nothing was changed.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Not in the old backend: a feature this server has no configuration for (Firebase, Google OAuth).</summary>
    public const string NotConfigured = "not_configured";

    /// <summary>Internal: a room id that is already taken (the caller draws another one).</summary>
    public const string RoomExists = "room_exists";
}

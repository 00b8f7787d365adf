namespace CinemaSync.Contracts;

/// <summary>
/// The realtime API's address and its client → server method names (CONTRACT.md). The server → client
/// names are each message's <c>EventName</c> (<see cref="RoomMessage"/>).
/// </summary>
public static class RoomHubNames
{
    public const string Path = "/hubs/room";

    public const string JoinRoom = "join_room";
    public const string LeaveRoom = "leave_room";
    public const string UpdatePlayback = "update_playback";
    public const string ChatMessage = "chat_message";
    public const string Reaction = "reaction";
    public const string SyncTime = "sync_time";
    public const string ReportStatus = "report_status";
    public const string SetRole = "set_role";
    public const string TransferHost = "transfer_host";
    public const string KickMember = "kick_member";
    public const string UpdateSettings = "update_settings";
    public const string QueueAdd = "queue_add";
    public const string QueueRemove = "queue_remove";
    public const string QueueMove = "queue_move";
    public const string PlayNext = "play_next";
    public const string SubtitleAdd = "subtitle_add";
    public const string SubtitleRemove = "subtitle_remove";
    public const string SubtitleRename = "subtitle_rename";
    public const string SubtitleDefault = "subtitle_default";
    public const string SetSubtitle = "set_subtitle";
}

namespace CinemaSync.LoadTest;

// The few fields the load tester reads from the wire, whichever hub protocol (MessagePack goes
// through the same JSON options, see CinemaSync.HubProtocol). The hub protocol's JSON options map these
// PascalCase names to snake_case; every other property of a payload is skipped unread, so an
// event costs one small object, not a JsonDocument.

internal sealed class SeqEvent
{
    public long Seq { get; set; }
}

internal sealed class PlaybackEvent
{
    public long Seq { get; set; }
    public VersionOnly? PlaybackState { get; set; }
}

internal sealed class VersionOnly
{
    public long Version { get; set; }
}

internal class Ack
{
    public bool Ok { get; set; }
    public string? Error { get; set; }
    /// <summary>Human text on a refusal, the chat message object on a chat ack: read only when a string.</summary>
    public System.Text.Json.JsonElement Message { get; set; }

    public string Describe() =>
        $"{Error} {(Message.ValueKind == System.Text.Json.JsonValueKind.String ? Message.GetString() : null)}".Trim();
}

internal sealed class JoinAck : Ack
{
    public RoomSeq? Room { get; set; }
}

internal sealed class RoomSeq
{
    public string? RoomId { get; set; }
    public long Seq { get; set; }
    public VersionOnly? PlaybackState { get; set; }
}

internal sealed class PlaybackAck : Ack
{
    public VersionOnly? PlaybackState { get; set; }
}

internal sealed class DevLoginResponse
{
    public string? Token { get; set; }
    public DevUser? User { get; set; }
}

internal sealed class DevUser
{
    public string? UserId { get; set; }
}

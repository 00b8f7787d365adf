using System.Text.Json.Serialization;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;

namespace CinemaSync.Web.Realtime;

/// <summary>The acks of CONTRACT.md: <c>{ ok: true, ... }</c> or <c>{ ok: false, error, message }</c>.</summary>
public static class HubAcks
{
    public sealed record Done
    {
        public static readonly Done Instance = new();
        public bool Ok => true;
    }

    public sealed record Failed(string Error, string Message)
    {
        [JsonPropertyOrder(-1)] public bool Ok => false;

        /// <summary>Set on <c>stale_version</c>: the state the client must catch up with.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public PlaybackState? PlaybackState { get; init; }
    }

    /// <summary><see cref="Subtitle"/>: the joiner's own track, which only they are told.</summary>
    public sealed record Joined(RoomView Room, IReadOnlyList<ChatMessage> ChatHistory, SubtitleChoice Subtitle)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<MissedEvent>? MissedEvents { get; init; }

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool Resync { get; init; }
    }

    /// <summary>An event as it would have been received: its name and its payload.</summary>
    public sealed record MissedEvent(string Event, object Payload);

    public sealed record QueuedItem(QueueItem Item)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    /// <summary><c>subtitle_add</c> and <c>subtitle_rename</c>: the track as the room now has it.</summary>
    public sealed record TrackReply(SubtitleTrack Track)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public sealed record SubtitleChosen(SubtitleChoice Subtitle)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public sealed record SettingsUpdated(RoomSettings Settings)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public sealed record Playback(PlaybackState PlaybackState)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public sealed record Chat(ChatMessage Message)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public sealed record SyncTime(double ClientTime, long ServerReceiveAt, long ServerSendAt)
    {
        [JsonPropertyOrder(-1)] public bool Ok => true;
    }

    public static Failed Fail(string code, string message) => new(code, message);

    /// <summary>The payload's problems, field by field in one line.</summary>
    public static Failed Invalid(PayloadReader body) => new(ErrorCodes.InvalidPayload, body.Summary);

    /// <summary>A refused room command; a refusal that carries the playback state (<c>stale_version</c>) gives it.</summary>
    public static Failed Fail<T>(RoomResult<T> result) =>
        new(result.Error!, result.Message ?? result.Error!) { PlaybackState = result.Value is PlaybackState state ? state : null };

    /// <summary>The ack of a room command: <paramref name="ok"/> of its value, or the refusal.</summary>
    public static object Of<T>(RoomResult<T> result, Func<T, object> ok) => result.IsOk ? ok(result.Value!) : Fail(result);

    /// <summary>The ack of a room command whose value the client does not need.</summary>
    public static object Of<T>(RoomResult<T> result) => result.IsOk ? Done.Instance : Fail(result);
}

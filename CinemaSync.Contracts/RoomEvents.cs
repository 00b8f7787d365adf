using System.Text.Json.Serialization;

namespace CinemaSync.Contracts;

/// <summary>
/// A server → client message about a room. The record's properties are the wire payload
/// (snake_case); <see cref="Name"/> is the SignalR method name the web node sends it under, not
/// a payload field: every override is <c>[JsonIgnore]</c> too, since System.Text.Json reads the
/// attributes of the override, not of the abstract property.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record RoomMessage
{
    [Id(0)] public required string RoomId { get; init; }
    [JsonIgnore] public abstract string Name { get; }
    /// <summary>UTC ticks when the grain published it: the fan-out time is measured from here.</summary>
    [Id(1), JsonIgnore] public long PublishedAt { get; init; }
}

/// <summary>A broadcast room event: numbered by the room's <c>seq</c>, kept for resume.</summary>
[GenerateSerializer, Immutable]
public abstract record RoomEvent : RoomMessage
{
    [Id(0)] public long Seq { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RoomJoinedEvent : RoomEvent
{
    public const string EventName = "room_joined";
    [Id(0)] public required RoomView Room { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record UserJoinedEvent : RoomEvent
{
    public const string EventName = "user_joined";
    [Id(0)] public required ParticipantView User { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record UserLeftEvent : RoomEvent
{
    public const string EventName = "user_left";
    [Id(0)] public required string UserId { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record PlaybackUpdatedEvent : RoomEvent
{
    public const string EventName = "playback_updated";
    [Id(0)] public required PlaybackState PlaybackState { get; init; }
    /// <summary>The acting user's id; null for transitions the server makes on its own.</summary>
    [Id(1)] public string? By { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record NewChatMessageEvent : RoomEvent
{
    public const string EventName = "new_chat_message";
    [Id(0)] public required ChatMessage Message { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record NewReactionEvent : RoomEvent
{
    public const string EventName = "new_reaction";
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string Emoji { get; init; }
    [Id(2)] public long SentAt { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record RoomUpdatedEvent : RoomEvent
{
    public const string EventName = "room_updated";
    [Id(0)] public required RoomView Room { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record RoomClosedEvent : RoomEvent
{
    public const string EventName = "room_closed";
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record HostChangedEvent : RoomEvent
{
    public const string EventName = "host_changed";
    [Id(0)] public required string HostId { get; init; }
    /// <summary>Who handed host over; null when the server did (host failover).</summary>
    [Id(1)] public string? By { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record RoleChangedEvent : RoomEvent
{
    public const string EventName = "role_changed";
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string Role { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record PresenceChangedEvent : RoomEvent
{
    public const string EventName = "presence_changed";
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public bool Connected { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record QueueUpdatedEvent : RoomEvent
{
    public const string EventName = "queue_updated";
    [Id(0)] public required IReadOnlyList<QueueItem> Queue { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

/// <summary>To the kicked member's connections only; not numbered.</summary>
[GenerateSerializer, Immutable]
public sealed record KickedMessage : RoomMessage
{
    public const string EventName = "kicked";
    [Id(0)] public bool Banned { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record MemberStatusEntry
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public double DriftMs { get; init; }
    [Id(2)] public int RttMs { get; init; }
    [Id(3)] public required string Status { get; init; }
}

/// <summary>To the host and co-hosts only, at most once a second; not numbered.</summary>
[GenerateSerializer, Immutable]
public sealed record MemberStatusMessage : RoomMessage
{
    public const string EventName = "member_status";
    [Id(0)] public required IReadOnlyList<MemberStatusEntry> Members { get; init; }
    [JsonIgnore] public override string Name => EventName;
}

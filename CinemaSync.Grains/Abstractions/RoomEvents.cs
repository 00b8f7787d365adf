using System.Text.Json.Serialization;

namespace CinemaSync.Grains.Abstractions;

/// <summary>
/// A server → client room event. The record's properties are the wire payload (snake_case);
/// <see cref="Name"/> is the SignalR method name the web node sends it under.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record RoomEvent
{
    [Id(0)] public required string RoomId { get; init; }
    [Id(1)] public long Seq { get; init; }
    [JsonIgnore] public abstract string Name { get; }
}

[GenerateSerializer, Immutable]
public sealed record RoomJoinedEvent : RoomEvent
{
    public const string EventName = "room_joined";
    [Id(0)] public required RoomView Room { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record UserJoinedEvent : RoomEvent
{
    public const string EventName = "user_joined";
    [Id(0)] public required ParticipantView User { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record UserLeftEvent : RoomEvent
{
    public const string EventName = "user_left";
    [Id(0)] public required string UserId { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record PlaybackUpdatedEvent : RoomEvent
{
    public const string EventName = "playback_updated";
    [Id(0)] public required PlaybackState PlaybackState { get; init; }
    /// <summary>The acting user's id; null for transitions the server makes on its own.</summary>
    [Id(1)] public string? By { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record NewChatMessageEvent : RoomEvent
{
    public const string EventName = "new_chat_message";
    [Id(0)] public required ChatMessage Message { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record NewReactionEvent : RoomEvent
{
    public const string EventName = "new_reaction";
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string Emoji { get; init; }
    [Id(2)] public long SentAt { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record RoomUpdatedEvent : RoomEvent
{
    public const string EventName = "room_updated";
    [Id(0)] public required RoomView Room { get; init; }
    public override string Name => EventName;
}

[GenerateSerializer, Immutable]
public sealed record RoomClosedEvent : RoomEvent
{
    public const string EventName = "room_closed";
    public override string Name => EventName;
}

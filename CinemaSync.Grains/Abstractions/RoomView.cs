using System.Text.Json.Serialization;

namespace CinemaSync.Grains.Abstractions;

public static class ParticipantRoles
{
    public const string Host = "host";
    public const string Member = "member";
}

[GenerateSerializer, Immutable]
public sealed record ParticipantView
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
    [Id(2)] public required string Role { get; init; }
    [Id(3)] public bool Connected { get; init; }
}

/// <summary>The room object of CONTRACT.md. Never carries the password or its hash.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomView
{
    [Id(0)] public required string RoomId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required string HostId { get; init; }
    [Id(3)] public bool IsPrivate { get; init; }
    [Id(4)] public bool IsActive { get; init; }
    [Id(5)] public long CreatedAt { get; init; }
    [Id(6)] public required MovieSource MovieSource { get; init; }
    [Id(7)] public required RoomSettings Settings { get; init; }
    [Id(8)] public required IReadOnlyList<ParticipantView> Participants { get; init; }
    [Id(9)] public required PlaybackState PlaybackState { get; init; }
    [Id(10)] public long Seq { get; init; }

    /// <summary>Server time of the last room event; orders <c>GET /api/rooms/mine</c>.</summary>
    [Id(11), JsonIgnore] public long LastActivityAt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ChatMessage
{
    [Id(0)] public required string MessageId { get; init; }
    [Id(1)] public required string UserId { get; init; }
    [Id(2)] public required string DisplayName { get; init; }
    [Id(3)] public required string Text { get; init; }
    [Id(4)] public long SentAt { get; init; }
}

/// <summary>What a successful join returns: the room and its recent chat.</summary>
[GenerateSerializer, Immutable]
public sealed record JoinResult
{
    [Id(0)] public required RoomView Room { get; init; }
    [Id(1)] public required IReadOnlyList<ChatMessage> ChatHistory { get; init; }
}

using System.Text.Json.Serialization;

namespace CinemaSync.Contracts;

public static class ParticipantRoles
{
    public const string Host = "host";
    public const string CoHost = "co_host";
    public const string Member = "member";

    /// <summary>Host and co-hosts control playback, the video, the queue and kick members.</summary>
    public static bool CanControl(string role) => role is Host or CoHost;

    public const int RoleMaxLength = 16;

    /// <summary>What <c>set_role</c> may give: the host changes only by transferring host.</summary>
    public static string? AssignableProblem(string role) => role is CoHost or Member ? null : "must be \"co_host\" or \"member\".";
}

public static class SyncStatuses
{
    public const string Ok = "ok";
    public const string Buffering = "buffering";
    public const string CatchingUp = "catching_up";
}

/// <summary>How well a member keeps up: drift against the authoritative position, RTT, status.</summary>
[GenerateSerializer, Immutable]
public sealed record MemberSync
{
    [Id(0)] public double DriftMs { get; init; }
    [Id(1)] public int RttMs { get; init; } = 50;
    [Id(2)] public string Status { get; init; } = SyncStatuses.Ok;
}

[GenerateSerializer, Immutable]
public sealed record QueueItem
{
    [Id(0)] public required string ItemId { get; init; }
    [Id(1)] public required MovieSource MovieSource { get; init; }
    [Id(2)] public string? Title { get; init; }
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? DurationMs { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ParticipantView
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
    [Id(2)] public required string Role { get; init; }
    [Id(3)] public bool Connected { get; init; }
    [Id(4)] public MemberSync Sync { get; init; } = new();
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

    [Id(12)] public IReadOnlyList<QueueItem> Queue { get; init; } = [];

    /// <summary>Server time of the last room event; orders <c>GET /api/rooms/mine</c>.</summary>
    [Id(11), JsonIgnore] public long LastActivityAt { get; init; }
}

/// <summary>
/// What someone who is not a participant may know of a room (<c>GET /api/rooms/{id}</c>): no
/// people, no video, no queue, no playback, no chat.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomPreview
{
    [Id(0)] public required string RoomId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public bool IsPrivate { get; init; }
    [Id(3)] public bool IsActive { get; init; }
    [Id(4)] public int ParticipantCount { get; init; }
}

/// <summary>A room as one user may see it: the full room for a participant, else only the preview.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomLookup
{
    [Id(0)] public required RoomPreview Preview { get; init; }
    /// <summary>Null unless the user is a participant.</summary>
    [Id(1)] public RoomView? Room { get; init; }
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
    /// <summary>With <c>last_seq</c> on a rejoin: the events after it, oldest first.</summary>
    [Id(2)] public IReadOnlyList<RoomEvent>? MissedEvents { get; init; }
    /// <summary>With <c>last_seq</c> too old to replay: the client must take <see cref="Room"/> as is.</summary>
    [Id(3)] public bool Resync { get; init; }
}

namespace CinemaSync.Contracts;

/// <summary>Who is acting: always taken from the validated token, never from a payload.</summary>
[GenerateSerializer, Immutable]
public sealed record Actor
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string DisplayName { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CreateRoomCommand
{
    [Id(0)] public required Actor Host { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public bool IsPrivate { get; init; }
    /// <summary>Already trimmed; required when <see cref="IsPrivate"/>.</summary>
    [Id(3)] public string? Password { get; init; }
    [Id(4)] public required MovieSource MovieSource { get; init; }
    [Id(5)] public required RoomSettings Settings { get; init; }
}

/// <summary>A SignalR connection that joins: the web node relays the room's events to it.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomConnection
{
    [Id(0)] public required string ConnectionId { get; init; }
    [Id(1)] public required IRoomObserver Node { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record JoinRoomCommand
{
    [Id(0)] public required Actor User { get; init; }
    // [Id(1)] was the password: it is checked by IRoomGrain.CheckPasswordAsync, off the room's turn.
    /// <summary>Null for a REST join: membership only, no events.</summary>
    [Id(2)] public RoomConnection? Connection { get; init; }
    /// <summary>A valid invite for this room was presented: no password needed (bans still apply).</summary>
    [Id(3)] public bool Invited { get; init; }
    /// <summary>The last seq the client applied, on a reconnect.</summary>
    [Id(4)] public long? LastSeq { get; init; }
}

public static class MemberStates
{
    public const string Buffering = "buffering";
    public const string Ready = "ready";
    public const string Ended = "ended";
}

[GenerateSerializer, Immutable]
public sealed record StatusReport
{
    [Id(0)] public required string State { get; init; }
    [Id(1)] public double Position { get; init; }
    [Id(2)] public int? RttMs { get; init; }
}

/// <summary>Only the fields present change.</summary>
[GenerateSerializer, Immutable]
public sealed record SettingsPatch
{
    [Id(0)] public bool? ChatEnabled { get; init; }
    [Id(1)] public bool? ReactionsEnabled { get; init; }
    [Id(2)] public int? MaxParticipants { get; init; }
    [Id(3)] public bool? WaitForBuffering { get; init; }
    [Id(4)] public int? BufferTimeoutMs { get; init; }
    [Id(5)] public int? HostGraceMs { get; init; }

    /// <summary>The settings with this patch's fields in place of theirs.</summary>
    public RoomSettings MergeInto(RoomSettings settings) => settings with
    {
        ChatEnabled = ChatEnabled ?? settings.ChatEnabled,
        ReactionsEnabled = ReactionsEnabled ?? settings.ReactionsEnabled,
        MaxParticipants = MaxParticipants ?? settings.MaxParticipants,
        WaitForBuffering = WaitForBuffering ?? settings.WaitForBuffering,
        BufferTimeoutMs = BufferTimeoutMs ?? settings.BufferTimeoutMs,
        HostGraceMs = HostGraceMs ?? settings.HostGraceMs,
    };
}

[GenerateSerializer, Immutable]
public sealed record PlaybackCommand
{
    [Id(0)] public required string Status { get; init; }
    [Id(1)] public double Position { get; init; }
    [Id(2)] public double? Rate { get; init; }
    [Id(3)] public long? BaseVersion { get; init; }
}

/// <summary>A web node's local connections of one room, sent with every re-subscription.</summary>
[GenerateSerializer, Immutable]
public sealed record LocalConnection
{
    [Id(0)] public required string ConnectionId { get; init; }
    [Id(1)] public required string UserId { get; init; }
}

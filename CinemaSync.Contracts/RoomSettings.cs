namespace CinemaSync.Contracts;

/// <summary>A room's settings; their ranges are in <see cref="SettingsValues"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record RoomSettings
{
    [Id(0)] public bool ChatEnabled { get; init; } = true;
    [Id(1)] public bool ReactionsEnabled { get; init; } = true;
    [Id(2)] public int MaxParticipants { get; init; } = SettingsValues.MaxParticipants;
    /// <summary>A member's <c>buffering</c> report pauses everyone (<c>waiting</c>) until all are ready.</summary>
    [Id(3)] public bool WaitForBuffering { get; init; } = true;
    [Id(4)] public int BufferTimeoutMs { get; init; } = 8000;
    /// <summary>How long the host may be disconnected before host passes to someone connected.</summary>
    [Id(5)] public int HostGraceMs { get; init; } = 30000;
}

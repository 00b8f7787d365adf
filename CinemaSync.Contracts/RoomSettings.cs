namespace CinemaSync.Contracts;

[GenerateSerializer, Immutable]
public sealed record RoomSettings
{
    public const int MinParticipants = 2;
    public const int MaxParticipantsLimit = 1000;

    [Id(0)] public bool ChatEnabled { get; init; } = true;
    [Id(1)] public bool ReactionsEnabled { get; init; } = true;
    [Id(2)] public int MaxParticipants { get; init; } = MaxParticipantsLimit;
    /// <summary>A member's <c>buffering</c> report pauses everyone (<c>waiting</c>) until all are ready.</summary>
    [Id(3)] public bool WaitForBuffering { get; init; } = true;
    [Id(4)] public int BufferTimeoutMs { get; init; } = 8000;
    /// <summary>How long the host may be disconnected before host passes to someone connected.</summary>
    [Id(5)] public int HostGraceMs { get; init; } = 30000;

    public const int MinBufferTimeoutMs = 1000, MaxBufferTimeoutMs = 60000;
    public const int MinHostGraceMs = 5000, MaxHostGraceMs = 600000;
}

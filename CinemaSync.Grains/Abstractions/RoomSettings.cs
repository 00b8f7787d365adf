namespace CinemaSync.Grains.Abstractions;

[GenerateSerializer, Immutable]
public sealed record RoomSettings
{
    public const int MinParticipants = 2;
    public const int MaxParticipantsLimit = 1000;

    [Id(0)] public bool ChatEnabled { get; init; } = true;
    [Id(1)] public bool ReactionsEnabled { get; init; } = true;
    [Id(2)] public int MaxParticipants { get; init; } = MaxParticipantsLimit;
}

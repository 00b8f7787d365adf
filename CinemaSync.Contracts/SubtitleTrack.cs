using System.Text.Json.Serialization;

namespace CinemaSync.Contracts;

/// <summary>
/// A subtitle track of the room's video. <see cref="Source"/> is a direct link (<c>directLink</c>,
/// <c>url</c>) or a Drive file (<c>googleDrive</c>, <c>file_id</c>, <c>owner</c>) with the owner rules
/// of the video: a user-owned file is read from the Drive of whoever added the track.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubtitleTrack
{
    [Id(0)] public required string TrackId { get; init; }
    [Id(1)] public required string Label { get; init; }
    [Id(2)] public required string Language { get; init; }
    [Id(3)] public required MovieSource Source { get; init; }
}

/// <summary>A member's own subtitle: <see cref="TrackId"/> is what they see (null: none); <see cref="Chosen"/> false means the room's default applies.</summary>
[GenerateSerializer, Immutable]
public sealed record SubtitleChoice
{
    [Id(0), JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? TrackId { get; init; }
    [Id(1)] public bool Chosen { get; init; }
}

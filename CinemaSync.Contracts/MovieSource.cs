using System.Text.Json.Serialization;

namespace CinemaSync.Contracts;

public static class MovieSourceTypes
{
    public const string GoogleDrive = "googleDrive";
    public const string DirectLink = "directLink";
    public const string UploadLater = "uploadLater";
}

/// <summary>What the room watches: a Drive file, a direct link, or nothing yet.</summary>
[GenerateSerializer, Immutable]
public sealed record MovieSource
{
    [Id(0)] public string Type { get; init; } = MovieSourceTypes.UploadLater;
    [Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Url { get; init; }
    [Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FileId { get; init; }
    /// <summary>Whose Drive holds <see cref="FileId"/>: "service" or "user" (the host's).</summary>
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Owner { get; init; }
    [Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }
    [Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? MimeType { get; init; }
    [Id(6), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Size { get; init; }
    [Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? DurationMs { get; init; }
    /// <summary>With <see cref="Owner"/> "user": whose Drive (and OAuth token) the file is read from — who set the video.</summary>
    [Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? DriveUserId { get; init; }
    /// <summary>The video's subtitle tracks; a queue item's come with it when it becomes the video.</summary>
    [Id(9), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<SubtitleTrack>? Subtitles { get; init; }
    /// <summary>The track a member sees until they choose one (<c>set_subtitle</c>); null: none.</summary>
    [Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SubtitleDefault { get; init; }

    [JsonIgnore] public IReadOnlyList<SubtitleTrack> Tracks => Subtitles ?? [];

    [JsonIgnore] public bool HasVideo => Type switch
    {
        MovieSourceTypes.DirectLink => !string.IsNullOrEmpty(Url),
        MovieSourceTypes.GoogleDrive => !string.IsNullOrEmpty(FileId),
        _ => false,
    };
}

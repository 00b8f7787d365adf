using System.Text.Json;
using System.Text.Json.Serialization;
using CinemaSync.Contracts;

namespace CinemaSync.Web.Drive;

/// <summary>A Drive call failed in a way the caller reports as a problem: <see cref="Code"/> is an error code of CONTRACT.md.</summary>
public sealed class DriveException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>The fields of a Drive v3 <c>File</c> this server reads.</summary>
public sealed record DriveFile
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string MimeType { get; init; } = "";
    /// <summary>int64 as a string on the wire; absent for Google Docs and folders.</summary>
    public long? Size { get; init; }
    public DateTimeOffset? ModifiedTime { get; init; }
    public string? ThumbnailLink { get; init; }
    public DriveVideoMetadata? VideoMediaMetadata { get; init; }

    public MovieInfo ToMovie(string owner) => new()
    {
        FileId = Id,
        Name = Name,
        MimeType = MimeType,
        Size = Size ?? 0,
        DurationMs = VideoMediaMetadata?.DurationMillis,
        ThumbnailUrl = string.IsNullOrEmpty(ThumbnailLink) ? null : ThumbnailLink,
        ModifiedAt = ModifiedTime?.ToUnixTimeMilliseconds() ?? 0,
        Owner = owner,
    };
}

public sealed record DriveVideoMetadata
{
    public long? DurationMillis { get; init; }
}

/// <summary>One page of <c>files.list</c>.</summary>
public sealed record DriveFileList
{
    public List<DriveFile> Files { get; init; } = [];
    public string? NextPageToken { get; init; }
}

/// <summary>A <c>files.list</c> request.</summary>
public sealed record DriveListRequest
{
    public required string Query { get; init; }
    public int PageSize { get; init; } = 50;
    public string? PageToken { get; init; }
    public string? OrderBy { get; init; }
}

internal static class DriveJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}

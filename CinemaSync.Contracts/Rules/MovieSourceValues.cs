namespace CinemaSync.Contracts;

/// <summary>What a room may be given to watch: a source's type, URL, Drive file id and owner, and a queue item's title and duration.</summary>
public static class MovieSourceValues
{
    public const int TypeMaxLength = 32;
    public const int UrlMaxLength = 2048;
    public const int FileIdMaxLength = 256;
    public const int OwnerMaxLength = 16;
    public const int TitleMaxLength = 2 * TextRules.RoomNameMaxLength;
    public const long MaxDurationMs = 7L * 24 * 3600 * 1000;

    public static string? TypeProblem(string type) =>
        type is MovieSourceTypes.GoogleDrive or MovieSourceTypes.DirectLink or MovieSourceTypes.UploadLater
            ? null
            : "must be \"googleDrive\", \"directLink\" or \"uploadLater\".";

    public static string? UrlProblem(string url)
    {
        if (ValueRules.Length(url, 1, UrlMaxLength) is { } length) return length;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null
            : "must be an absolute http or https URL.";
    }

    public static string? FileIdProblem(string fileId)
    {
        if (ValueRules.Length(fileId, 1, FileIdMaxLength) is { } length) return length;
        return fileId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? null : "is not a Drive file id.";
    }

    public static string? OwnerProblem(string owner) =>
        owner is MovieOwners.Service or MovieOwners.User ? null : "must be \"user\" or \"service\".";

    public static string? DurationProblem(long durationMs) => ValueRules.Between(durationMs, 1, MaxDurationMs);

    /// <summary>A source as a room stores it: a direct link has a URL, a Drive file an id and an owner.</summary>
    public static string? Check(MovieSource source) => ValueRules.First(
        ("type", TypeProblem(source.Type)),
        ("url", source.Type == MovieSourceTypes.DirectLink ? UrlProblem(source.Url ?? "") : null),
        ("file_id", source is { Type: MovieSourceTypes.GoogleDrive, FileId: { } fileId } ? FileIdProblem(fileId) : null),
        ("owner", source is { Type: MovieSourceTypes.GoogleDrive, Owner: { } owner } ? OwnerProblem(owner) : null));
}

namespace CinemaSync.Contracts;

/// <summary>What a subtitle track may be: its label, language, source and how many a video carries.</summary>
public static class SubtitleValues
{
    public const int MaxTracks = 16;
    public const int TrackIdMaxLength = 64;
    public const int LabelMaxLength = 64;
    /// <summary>A BCP 47 tag as browsers take it in <c>&lt;track srclang&gt;</c> ("en", "pt-BR", "zh-Hant-TW").</summary>
    public const int LanguageMaxLength = 35;
    /// <summary>The largest subtitle file served (the converter's cap).</summary>
    public const int MaxFileBytes = 2 * 1024 * 1024;
    /// <summary>How many members' choices a room remembers (participants' first, then those who left most recently).</summary>
    public const int MaxRememberedChoices = 1000;

    public static string? LabelProblem(string label) =>
        ValueRules.Length(label, 1, LabelMaxLength) ?? (TextRules.IsPrintable(label) && !label.Contains('\n') ? null : "must be one line of printable text.");

    public static string? LanguageProblem(string language)
    {
        if (ValueRules.Length(language, 2, LanguageMaxLength) is { } length) return length;
        var parts = language.Split('-');
        return parts[0].Length is >= 2 and <= 8 && parts[0].All(char.IsAsciiLetter)
               && parts.All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit))
            ? null
            : "must be a language tag such as \"en\" or \"pt-BR\".";
    }

    /// <summary>A direct link: an http or https URL whose path ends in <c>.vtt</c> or <c>.srt</c>.</summary>
    public static string? UrlProblem(string url)
    {
        if (MovieSourceValues.UrlProblem(url) is { } problem) return problem;
        var path = new Uri(url).AbsolutePath;
        return path.EndsWith(".vtt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".srt", StringComparison.OrdinalIgnoreCase)
            ? null
            : "must link to a .vtt or .srt file.";
    }

    /// <summary>A track as a room stores it: its values, and a source that is a direct link or a Drive file.</summary>
    public static string? Check(SubtitleTrack track) => ValueRules.First(
        ("track_id", ValueRules.Length(track.TrackId, 1, TrackIdMaxLength)),
        ("label", LabelProblem(track.Label)),
        ("language", LanguageProblem(track.Language)),
        ("source.type", track.Source.Type is MovieSourceTypes.DirectLink or MovieSourceTypes.GoogleDrive ? null : "must be \"directLink\" or \"googleDrive\"."),
        ("source.url", track.Source.Type == MovieSourceTypes.DirectLink ? UrlProblem(track.Source.Url ?? "") : null),
        ("source.file_id", track.Source.Type == MovieSourceTypes.GoogleDrive ? MovieSourceValues.FileIdProblem(track.Source.FileId ?? "") : null),
        ("source.owner", track.Source is { Type: MovieSourceTypes.GoogleDrive, Owner: { } owner } ? MovieSourceValues.OwnerProblem(owner) : null));
}

namespace CinemaSync.Web.Subtitles;

/// <summary>How subtitle files are fetched: <c>Subtitles:FetchTimeout</c>, <c>Subtitles:MaxRedirects</c>, <c>Subtitles:CacheDuration</c>.</summary>
public sealed class SubtitleOptions
{
    public const string Section = "Subtitles";

    /// <summary>The whole fetch of one file (connect, redirects, body).</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects a direct link may take, each to an http or https URL.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>How long a converted file is kept in memory and may be cached by browsers.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);
}

using CinemaSync.Grains.Hosting;

namespace CinemaSync.Web.Subtitles;

/// <summary>How subtitle files are fetched: <c>Subtitles:FetchTimeout</c>, <c>Subtitles:MaxRedirects</c>, <c>Subtitles:CacheDuration</c>, <c>Subtitles:AllowPrivateAddresses</c>.</summary>
public sealed class SubtitleOptions : IValidatedSettings
{
    public const string Section = "Subtitles";

    /// <summary>The whole fetch of one file (connect, redirects, body).</summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects a direct link may take, each to an http or https URL.</summary>
    public int MaxRedirects { get; set; } = 3;

    /// <summary>How long a converted file is kept in memory and may be cached by browsers.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Fetch links whose host is a loopback or private address too (a server inside a private
    /// network). Unset: allowed in Development only, where the files are usually on this machine.
    /// </summary>
    public bool? AllowPrivateAddresses { get; set; }

    public IEnumerable<string> Problems()
    {
        if (FetchTimeout <= TimeSpan.Zero || FetchTimeout > TimeSpan.FromMinutes(2)) yield return $"{Section}:FetchTimeout must be more than 0 and at most 2 minutes.";
        if (MaxRedirects is < 0 or > 10) yield return $"{Section}:MaxRedirects must be 0..10.";
        if (CacheDuration < TimeSpan.Zero || CacheDuration > TimeSpan.FromDays(1)) yield return $"{Section}:CacheDuration must be 0 to 1 day.";
    }
}

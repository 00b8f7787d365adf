using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CinemaSync.Web.Subtitles;

/// <summary>The outcome of reading a subtitle file: WebVTT text, or why the file cannot be used.</summary>
public sealed record SubtitleConversion(string? WebVtt, string? Problem)
{
    public static SubtitleConversion Ok(string webVtt) => new(webVtt, null);
    public static SubtitleConversion Fail(string problem) => new(null, problem);
}

/// <summary>
/// Turns a subtitle file (WebVTT or SubRip, in UTF-8, UTF-16 or a Windows-1252 legacy encoding)
/// into WebVTT as browsers read it in a <c>&lt;track&gt;</c>. Pure: bytes in, text out.
/// </summary>
public static partial class WebVttConverter
{
    public const int DefaultMaxBytes = 2 * 1024 * 1024;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SubtitleConversion Convert(ReadOnlySpan<byte> file, int maxBytes = DefaultMaxBytes)
    {
        if (file.Length == 0) return SubtitleConversion.Fail("The subtitle file is empty.");
        if (file.Length > maxBytes)
            return SubtitleConversion.Fail($"The subtitle file is larger than {maxBytes / 1024} KiB.");

        var text = Decode(file).Replace("\r\n", "\n").Replace('\r', '\n');
        if (text.Contains('\0')) return SubtitleConversion.Fail("The file is not a text subtitle file.");

        if (IsWebVtt(text)) return SubtitleConversion.Ok(text.EndsWith('\n') ? text : text + "\n");
        return FromSubRip(text);
    }

    /// <summary>BOM first; then UTF-8 if the bytes are valid UTF-8; otherwise Windows-1252, the usual legacy encoding of .srt files.</summary>
    internal static string Decode(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return StrictUtf8Or1252(file[3..]);
        if (file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(file[2..]);
        if (file.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(file[2..]);
        return StrictUtf8Or1252(file);
    }

    private static string StrictUtf8Or1252(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Windows1252.GetString(bytes);
        }
    }

    private static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    private static bool IsWebVtt(string text) =>
        text.StartsWith("WEBVTT", StringComparison.Ordinal)
        && (text.Length == 6 || text[6] is ' ' or '\t' or '\n');

    private static SubtitleConversion FromSubRip(string text)
    {
        var output = new StringBuilder("WEBVTT\n");
        var cues = 0;
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var lines = block.Split('\n');
            // The numeric counter line is optional in practice; the timing line is what marks a cue.
            var timingIndex = lines.Length > 1 && !lines[0].Contains("-->") ? 1 : 0;
            if (!TryReadTiming(lines[timingIndex], out var start, out var end) || end <= start) continue;
            var payload = lines.Skip(timingIndex + 1).Select(CueText).Where(line => line.Length > 0).ToList();
            if (payload.Count == 0) continue;

            output.Append('\n').Append(Timestamp(start)).Append(" --> ").Append(Timestamp(end)).Append('\n');
            foreach (var line in payload) output.Append(line).Append('\n');
            cues++;
        }
        return cues == 0
            ? SubtitleConversion.Fail("The file is neither WebVTT nor SubRip (.srt): no cue with a valid timing line was found.")
            : SubtitleConversion.Ok(output.ToString());
    }

    private static bool TryReadTiming(string line, out TimeSpan start, out TimeSpan end)
    {
        start = end = default;
        var match = TimingLine().Match(line);
        return match.Success
            && TryReadTime(match.Groups["start"].Value, out start)
            && TryReadTime(match.Groups["end"].Value, out end);
    }

    /// <summary><c>h:mm:ss,fff</c>, <c>mm:ss,fff</c>, with a comma or a dot and one to three fraction digits.</summary>
    private static bool TryReadTime(string value, out TimeSpan time)
    {
        time = default;
        var match = Time().Match(value);
        if (!match.Success) return false;
        var hours = match.Groups["h"].Success ? int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
        var minutes = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var seconds = int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        var fraction = match.Groups["f"].Value.PadRight(3, '0');
        if (minutes > 59 || seconds > 59) return false;
        time = new TimeSpan(0, hours, minutes, seconds, int.Parse(fraction, CultureInfo.InvariantCulture));
        return true;
    }

    private static string Timestamp(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours:00}:{time.Minutes:00}:{time.Seconds:00}.{time.Milliseconds:000}");

    /// <summary>
    /// SubRip markup as WebVTT allows it: &lt;i&gt;, &lt;b&gt;, &lt;u&gt; stay; &lt;font&gt; and
    /// unknown tags go; a bare &amp; or &lt; is escaped, and "--&gt;" cannot appear in a cue.
    /// </summary>
    private static string CueText(string line)
    {
        var kept = Tag().Replace(line.Trim(), match =>
            match.Groups["name"].Value.ToLowerInvariant() is "i" or "b" or "u"
                ? $"<{match.Groups["close"].Value}{match.Groups["name"].Value.ToLowerInvariant()}>"
                : "");
        var escaped = new StringBuilder(kept.Length);
        for (var i = 0; i < kept.Length; i++)
        {
            var c = kept[i];
            if (c == '&' && !Entity().IsMatch(kept.AsSpan(i))) escaped.Append("&amp;");
            else if (c == '<' && !KeptTag().IsMatch(kept.AsSpan(i))) escaped.Append("&lt;");
            else escaped.Append(c);
        }
        return escaped.ToString().Replace("-->", "--&gt;");
    }

    [GeneratedRegex(@"^\s*(?<start>[0-9:.,]+)\s*-->\s*(?<end>[0-9:.,]+)")]
    private static partial Regex TimingLine();

    [GeneratedRegex(@"^(?:(?<h>\d{1,3}):)?(?<m>\d{1,2}):(?<s>\d{1,2})(?:[,.](?<f>\d{1,3}))?$")]
    private static partial Regex Time();

    [GeneratedRegex(@"<(?<close>/?)(?<name>[A-Za-z]+)(?:\s[^>]*)?>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^</?[ibu]>")]
    private static partial Regex KeptTag();

    [GeneratedRegex(@"^&(?:amp|lt|gt|lrm|rlm|nbsp|#\d+|#x[0-9A-Fa-f]+);")]
    private static partial Regex Entity();
}

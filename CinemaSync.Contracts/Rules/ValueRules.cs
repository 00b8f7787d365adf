namespace CinemaSync.Contracts;

/// <summary>
/// How every value rule answers: a problem relative to its field ("must be 0 or more.") or null.
/// A request reader puts the problem under the field's name; a room command's <c>Check</c> joins
/// them into one line ("position must be 0 or more.").
/// </summary>
public static class ValueRules
{
    public static string? Between(long value, long min, long max) =>
        value >= min && value <= max ? null : $"must be between {min} and {max}.";

    public static string? Length(string text, int min, int max)
    {
        var length = TextRules.CodePoints(text);
        if (length > max) return $"must be at most {max} characters.";
        if (length < min) return min == 1 ? "must not be empty." : $"must be at least {min} characters.";
        return null;
    }

    /// <summary>The first field with a problem, as <c>"field problem"</c>; null when none has one.</summary>
    public static string? First(params ReadOnlySpan<(string Field, string? Problem)> checks)
    {
        foreach (var (field, problem) in checks)
            if (problem is not null) return $"{field} {problem}";
        return null;
    }
}

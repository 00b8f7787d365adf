namespace CinemaSync.Web.Drive;

/// <summary>
/// Builds Drive v3 search queries (<c>q</c>). Every value goes through <see cref="Literal"/>, which
/// quotes it and escapes <c>\</c> and <c>'</c> as Drive requires, so user text cannot end the
/// string early or add terms.
/// </summary>
public static class DriveQuery
{
    public const string NotTrashed = "trashed = false";
    public static readonly string Videos = MimeTypeContains("video/");

    /// <summary>A Drive string literal: <c>'…'</c> with <c>\</c> → <c>\\</c> and <c>'</c> → <c>\'</c>.</summary>
    public static string Literal(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public static string NameContains(string text) => $"name contains {Literal(text)}";
    public static string MimeTypeContains(string text) => $"mimeType contains {Literal(text)}";
    public static string InParents(string folderId) => $"{Literal(folderId)} in parents";

    public static string And(params IEnumerable<string> terms) => string.Join(" and ", terms.Where(t => t.Length > 0));
}

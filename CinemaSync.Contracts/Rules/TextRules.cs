using System.Globalization;

namespace CinemaSync.Contracts;

/// <summary>Text limits of CONTRACT.md; lengths count Unicode code points, not UTF-16 units.</summary>
public static class TextRules
{
    public const int ChatMaxLength = 1000;
    public const int EmojiMaxLength = 16;
    public const int RoomNameMaxLength = 100;
    public const int DisplayNameMaxLength = 64;
    public const int PasswordMaxLength = 128;
    /// <summary>A user id a client names (the target of <c>set_role</c>, <c>kick_member</c>...).</summary>
    public const int UserIdMaxLength = 128;

    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    public static bool LengthWithin(string text, int min, int max)
    {
        var length = CodePoints(text);
        return length >= min && length <= max;
    }

    /// <summary>True when the text has no control characters other than tab and newline.</summary>
    public static bool IsPrintable(string text)
    {
        foreach (var c in text)
            if (char.GetUnicodeCategory(c) == UnicodeCategory.Control && c is not ('\n' or '\t' or '\r'))
                return false;
        return true;
    }
}

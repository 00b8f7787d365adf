using CinemaSync.Contracts;

namespace CinemaSync.Tests.Domain;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("abc", 3)]
    [InlineData("🎬🍿", 2)]
    [InlineData("👨‍👩‍👧", 5)]
    [InlineData("", 0)]
    public void CodePoints_CountsRunesNotUtf16Units(string text, int expected)
    {
        Assert.Equal(expected, TextRules.CodePoints(text));
    }

    [Fact]
    public void LengthWithin_AcceptsThousandEmoji_AsThousandCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 1000));
        Assert.True(TextRules.LengthWithin(text, 1, TextRules.ChatMaxLength));
        Assert.False(TextRules.LengthWithin(text + "😀", 1, TextRules.ChatMaxLength));
    }
}

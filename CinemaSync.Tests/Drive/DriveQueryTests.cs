using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Drive;

namespace CinemaSync.Tests.Drive;

public sealed class DriveQueryTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("O'Brien's \"cut\"", "'O\\'Brien\\'s \"cut\"'")]
    [InlineData("back\\slash", "'back\\\\slash'")]
    [InlineData("\\'", "'\\\\\\''")]
    public void Literal_EscapesBackslashAndQuote(string text, string expected) => Assert.Equal(expected, DriveQuery.Literal(text));

    [Theory]
    [InlineData("O'Brien's \"cut\"")]
    [InlineData("x' or name contains '")]
    [InlineData("trailing\\")]
    [InlineData("\\' and trashed = true and name contains '")]
    public void NameContains_IsOneTermWhateverTheText(string text)
    {
        var query = DriveQuery.And(DriveQuery.NameContains(text), DriveQuery.Videos, DriveQuery.NotTrashed);

        var matches = DriveQueryParser.Parse(query);

        Assert.True(matches(new FakeDriveServer.FakeFile { Id = "a", Owner = "o", Name = "before " + text + " after" }));
        Assert.False(matches(new FakeDriveServer.FakeFile { Id = "b", Owner = "o", Name = "something else" }));
        Assert.False(matches(new FakeDriveServer.FakeFile { Id = "c", Owner = "o", Name = text, Trashed = true }));
    }

    [Fact]
    public void Parser_RefusesAnUnescapedQuote_AsDriveDoes() =>
        Assert.Throws<FormatException>(() => DriveQueryParser.Parse("name contains 'O'Brien' and trashed = false"));

    [Fact]
    public void InParents_QuotesTheFolderId() => Assert.Equal("'root' in parents", DriveQuery.InParents("root"));
}

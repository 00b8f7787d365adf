using CinemaSync.Grains.Security;

namespace CinemaSync.Tests.Domain;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Verify_AcceptsThePassword_IgnoringSurroundingWhitespace()
    {
        var stored = PasswordHasher.Hash("  movie night ");
        Assert.True(PasswordHasher.Verify("movie night", stored));
        Assert.True(PasswordHasher.Verify("\tmovie night\n", stored));
    }

    [Theory]
    [InlineData("movie  night")]
    [InlineData("Movie night")]
    [InlineData("")]
    public void Verify_RefusesAnyOtherPassword(string attempt)
    {
        Assert.False(PasswordHasher.Verify(attempt, PasswordHasher.Hash("movie night")));
    }

    [Fact]
    public void Hash_IsSaltedPbkdf2_AndNeverContainsThePassword()
    {
        var first = PasswordHasher.Hash("secret");
        var second = PasswordHasher.Hash("secret");
        Assert.NotEqual(first, second);
        Assert.StartsWith("pbkdf2-sha256$", first);
        Assert.DoesNotContain("secret", first);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$x$abc$def")]
    [InlineData("pbkdf2-sha256$1000$%%%$def")]
    public void Verify_ReturnsFalse_WhenStoredHashIsMalformed(string stored)
    {
        Assert.False(PasswordHasher.Verify("anything", stored));
    }
}

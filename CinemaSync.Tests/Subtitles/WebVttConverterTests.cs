using System.Text;
using CinemaSync.Web.Subtitles;

namespace CinemaSync.Tests.Subtitles;

public sealed class WebVttConverterTests
{
    private static string Converted(string file) => Converted(Encoding.UTF8.GetBytes(file));

    private static string Converted(byte[] file)
    {
        var result = WebVttConverter.Convert(file);
        Assert.Null(result.Problem);
        return result.WebVtt!;
    }

    [Fact]
    public void Convert_WritesWebVttTimestamps_WhenGivenSubRip()
    {
        var vtt = Converted("1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n01:02:03,04 --> 01:02:04,5\nBye\n");

        Assert.Equal("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello\n\n01:02:03.040 --> 01:02:04.500\nBye\n", vtt);
    }

    [Fact]
    public void Convert_KeepsEveryLineOfAMultiLineCue()
    {
        var vtt = Converted("1\n00:00:01,000 --> 00:00:02,000\nfirst line\nsecond line\n");

        Assert.EndsWith("00:00:01.000 --> 00:00:02.000\nfirst line\nsecond line\n", vtt);
    }

    [Fact]
    public void Convert_ReadsCrlfAndAByteOrderMark()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nÇa va ?\r\n\r\n")).ToArray();

        Assert.Equal("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nÇa va ?\n", Converted(bytes));
    }

    [Fact]
    public void Convert_ReadsUtf16_WithItsByteOrderMark()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nこんにちは\n")).ToArray();

        Assert.Contains("こんにちは", Converted(bytes));
    }

    [Fact]
    public void Convert_ReadsWindows1252_WhenTheBytesAreNotUtf8()
    {
        // "Café" in Windows-1252: é is 0xE9, which is not valid UTF-8 on its own.
        var bytes = Encoding.ASCII.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nCaf").Append((byte)0xE9).Append((byte)'\n').ToArray();

        Assert.Contains("Café", Converted(bytes));
    }

    [Fact]
    public void Convert_SkipsBadCues_AndKeepsTheGoodOnes()
    {
        var vtt = Converted(
            "1\nnot a timing line\nlost\n\n" +
            "2\n00:00:05,000 --> 00:00:04,000\nends before it starts\n\n" +
            "3\n00:00:61,000 --> 00:01:02,000\nno such second\n\n" +
            "4\n00:00:07,000 --> 00:00:08,000\nkept\n");

        Assert.Equal("WEBVTT\n\n00:00:07.000 --> 00:00:08.000\nkept\n", vtt);
    }

    [Fact]
    public void Convert_KeepsItalicBoldUnderline_AndDropsFontTags()
    {
        var vtt = Converted("1\n00:00:01,000 --> 00:00:02,000\n<font color=\"#ff0000\"><I>red</I></font> & <b>bold</b> a<b\n");

        Assert.Contains("<i>red</i> &amp; <b>bold</b> a&lt;b", vtt);
    }

    [Fact]
    public void Convert_EscapesTheCueTimingArrow_InsideText()
    {
        var vtt = Converted("1\n00:00:01,000 --> 00:00:02,000\nthis --> that\n");

        Assert.Contains("this --&gt; that", vtt);
    }

    [Fact]
    public void Convert_PassesWebVttThrough_WithLineEndingsNormalised()
    {
        var vtt = Converted("WEBVTT\r\n\r\n00:01.000 --> 00:02.000 line:0\r\nhi");

        Assert.Equal("WEBVTT\n\n00:01.000 --> 00:02.000 line:0\nhi\n", vtt);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("just some words\nwithout any timing\n", "neither WebVTT nor SubRip")]
    [InlineData("WEBVTTX\n", "neither WebVTT nor SubRip")]
    public void Convert_ExplainsTheProblem_WhenTheFileIsNotSubtitles(string file, string expected)
    {
        var result = WebVttConverter.Convert(Encoding.UTF8.GetBytes(file));

        Assert.Null(result.WebVtt);
        Assert.Contains(expected, result.Problem);
    }

    [Fact]
    public void Convert_RefusesBinaryData()
    {
        var result = WebVttConverter.Convert(new byte[] { 0x00, 0x01, 0x02, 0x03 });

        Assert.Equal("The file is not a text subtitle file.", result.Problem);
    }

    [Fact]
    public void Convert_RefusesAFileOverTheCap()
    {
        var result = WebVttConverter.Convert(new byte[2048], maxBytes: 1024);

        Assert.Contains("larger than 1 KiB", result.Problem);
    }
}

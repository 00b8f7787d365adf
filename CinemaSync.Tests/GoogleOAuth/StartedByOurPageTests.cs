using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace CinemaSync.Tests.GoogleOAuth;

/// <summary>Which navigations may open a start link: what the browser says in Fetch Metadata, else where the Referer comes from.</summary>
public sealed class StartedByOurPageTests
{
    private static readonly PublicUrlOptions Options = new()
    {
        ApiBaseUrl = "https://api.example.test",
        FrontendUrls = ["https://watch.partner.test"],
    };

    [Theory]
    [InlineData("same-origin", null, true)]
    [InlineData("same-site", null, true)]
    [InlineData("cross-site", "https://watch.partner.test/room?x=1", true)]  // a configured frontend on another site
    [InlineData("cross-site", "https://evil.test/", false)]
    [InlineData("cross-site", null, false)]
    [InlineData("none", null, false)]                                       // typed, bookmarked, from an e-mail
    [InlineData("none", "https://watch.partner.test/", false)]
    [InlineData("", "https://api.example.test/", true)]                     // no Fetch Metadata (older browsers): the Referer decides
    [InlineData("", "https://watch.partner.test/", true)]
    [InlineData("", "https://evil.test/", false)]
    [InlineData("", null, false)]
    [InlineData("", "not a url", false)]
    [InlineData("something-else", "https://watch.partner.test/", false)]
    public void StartedByOurPage_DecidesByFetchMetadataThenReferer(string site, string? referer, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5000");
        if (site.Length > 0) context.Request.Headers["Sec-Fetch-Site"] = site;
        if (referer is not null) context.Request.Headers.Referer = referer;

        Assert.Equal(expected, GoogleOAuthApi.StartedByOurPage(context.Request, Options));
    }
}

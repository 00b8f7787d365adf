using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// A browser, as far as a Google round trip needs one: its own cookie jar (two instances are two
/// browsers), top-level navigations with the <c>Sec-Fetch-Site</c> and <c>Referer</c> a browser computes,
/// redirects followed one hop at a time, and a hosts map so that public URLs (<c>API_BASE_URL</c>) reach
/// the local server. As browsers do, it keeps and sends <c>Secure</c> cookies on http://127.0.0.1 and
/// http://localhost (secure contexts; .NET's jar alone would drop them over http). SameSite is not
/// modelled: every request here is a top-level GET navigation, which Lax cookies accompany.
/// </summary>
public sealed class TestBrowser : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Dictionary<string, Uri> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public CookieContainer Cookies { get; } = new();

    /// <param name="hosts">Public origins (<c>https://api.example.test</c>) and the local base address that serves each.</param>
    public TestBrowser(params (string Origin, Uri Target)[] hosts)
    {
        foreach (var (origin, target) in hosts) _hosts[Origin(new Uri(origin))] = target;
    }

    /// <summary>This browser is signed in to the fake Google as <paramref name="email"/>.</summary>
    public void SignInToGoogle(FakeGoogleOAuthServer google, string email) =>
        Cookies.Add(JarUri(google.BaseAddress), new Cookie(FakeGoogleOAuthServer.AccountCookie, email, "/"));

    /// <summary>The cookie named <paramref name="name"/> this browser holds for <paramref name="url"/>, or null.</summary>
    public Cookie? CookieFor(Uri url, string name) => Cookies.GetCookies(JarUri(url)).FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// Follows a navigation that <paramref name="initiator"/> (a page URL; null: typed, bookmarked or
    /// opened from another app) started, through every redirect while <paramref name="follow"/> says so.
    /// Returns the last response (a redirect not followed, or the page) and where it went.
    /// </summary>
    /// <param name="bearer">A backend token on every request (browsers send none on navigations; API clients may).</param>
    public async Task<(HttpResponseMessage Response, Uri Url)> NavigateAsync(Uri url, Uri? initiator, Func<Uri, bool>? follow = null, string? bearer = null)
    {
        var crossSite = false;
        for (var hop = 0; ; hop++)
        {
            crossSite |= initiator is not null && Site(initiator) != Site(url);
            var response = await SendAsync(url, initiator, crossSite, bearer);
            if (response.Headers.Location is not { } location || hop == 10) return (response, url);
            var next = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (follow is null || !follow(next)) return (response, url);
            response.Dispose();
            url = next;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, Uri? initiator, bool crossSite, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Physical(url));
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site",
            initiator is null ? "none" : crossSite ? "cross-site" : Origin(initiator) == Origin(url) ? "same-origin" : "same-site");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "navigate");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        // strict-origin-when-cross-origin, the browsers' default policy
        if (initiator is not null) request.Headers.Referrer = Origin(initiator) == Origin(url) ? initiator : new Uri(Origin(initiator) + "/");
        var cookies = Cookies.GetCookieHeader(JarUri(url));
        if (cookies.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookies);
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var setCookie in setCookies) Cookies.SetCookies(JarUri(url), setCookie);
        return response;
    }

    private Uri Physical(Uri url) =>
        _hosts.TryGetValue(Origin(url), out var target) ? new Uri(target, url.PathAndQuery) : url;

    private static Uri JarUri(Uri url) =>
        url.Scheme == Uri.UriSchemeHttp && url.IsLoopback ? new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = url.Port }.Uri : url;

    private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    /// <summary>Scheme and registrable domain (the last two labels; no public suffix list), ports ignored, as sites are.</summary>
    private static string Site(Uri url)
    {
        var labels = url.Host.Split('.');
        var domain = url.HostNameType == UriHostNameType.Dns && labels.Length > 2 ? string.Join('.', labels[^2..]) : url.Host;
        return url.Scheme + "://" + domain;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The Google connect flow as the watch page runs it, in a <see cref="TestBrowser"/>.</summary>
public static class GoogleConnect
{
    /// <summary>
    /// <paramref name="user"/>'s page (at <paramref name="page"/>) asks <c>/api/google/auth-url</c> and navigates
    /// <paramref name="browser"/> to the link; the browser goes through the fake Google and back to the
    /// callback. Returns where the callback sent it (the frontend, with <c>?google=…</c>).
    /// </summary>
    public static async Task<Uri> ConnectAsync(TestServer server, TestUser user, TestBrowser browser, Uri page)
    {
        var start = await StartUrlAsync(server, user);
        var (response, url) = await browser.NavigateAsync(start, page, IsOAuthHop);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return new Uri(url, response.Headers.Location!);
    }

    /// <summary>What <c>GET /api/google/auth-url</c> answers <paramref name="user"/>: the start link.</summary>
    public static async Task<Uri> StartUrlAsync(TestServer server, TestUser user)
    {
        var response = await server.SendAsync(HttpMethod.Get, "/api/google/auth-url", user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).Str("url"));
    }

    /// <summary>The hops of the round trip: this API's Google routes and Google's consent page (not the frontend it ends on).</summary>
    public static bool IsOAuthHop(Uri url) => url.AbsolutePath.StartsWith("/api/google/", StringComparison.Ordinal)
                                              || url.AbsolutePath.StartsWith("/o/oauth2/", StringComparison.Ordinal);
}

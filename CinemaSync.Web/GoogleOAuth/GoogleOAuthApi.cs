using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// Per-user Google OAuth under <c>/api/google</c>: auth-url, start, callback, status, disconnect.
/// The round trip: the page asks <c>auth-url</c> (bearer token) for a start link and navigates the
/// browser to it; <c>start</c> sets the browser's binding cookie, binds the state to it and redirects to
/// Google (PKCE S256); Google sends the browser to <c>callback</c>, which links the account only when
/// the same browser (cookie) comes back with a state it started.
/// </summary>
public static class GoogleOAuthApi
{
    public sealed record AuthUrlBody(string Url);

    public static IEndpointRouteBuilder MapGoogleOAuthApi(this IEndpointRouteBuilder app)
    {
        var google = app.MapGroup("/api/google").WithTags("Google").RequireRateLimiting(RateLimits.OAuth);
        google.MapGet("/auth-url", AuthUrl).RequireAuthorization();
        google.MapGet("/start", Start).AllowAnonymous();
        google.MapGet("/callback", Callback).AllowAnonymous();
        google.MapGet("/status", Status).RequireAuthorization();
        google.MapPost("/disconnect", Disconnect).RequireAuthorization();
        return app;
    }

    /// <summary>
    /// The start link of a new round trip for the caller: <c>{ url }</c>, a URL of this API (not Google's: a
    /// browser navigation to it is what can set the binding cookie, which an XHR from another site cannot).
    /// </summary>
    private static async Task<Results<Ok<AuthUrlBody>, ProblemHttpResult>> AuthUrl(
        HttpContext context, GoogleAccountService google, IOptions<PublicUrlOptions> urls)
    {
        if (!google.IsConfigured) return NotConfigured();
        var url = await google.CreateStartUrlAsync(context.User.UserId(), urls.Value.ApiBase(context.Request));
        return TypedResults.Ok(new AuthUrlBody(url));
    }

    /// <summary>
    /// Opened by the browser (anonymous: a navigation carries no bearer token). Only a navigation that our
    /// own page started is taken (see <see cref="StartedByOurPage"/>): a start link sent by someone else and
    /// opened from an e-mail or another site is refused, so it cannot bind someone else's browser. Then the
    /// binding cookie is set, the state bound to it, and the browser sent to Google's consent page.
    /// </summary>
    private static async Task<RedirectHttpResult> Start(
        HttpContext context, GoogleAccountService google, IOptions<GoogleOAuthOptions> options, IOptions<PublicUrlOptions> urls)
    {
        var site = urls.Value;
        if (!google.IsConfigured) return BackToFrontend(site, "not_configured");
        if (!StartedByOurPage(context.Request, site)) return BackToFrontend(site, "untrusted_start");
        var state = context.Request.Query["state"].ToString();
        var secret = GoogleBrowserBinding.Ensure(context, options.Value.StateLifetime);
        var consent = await google.StartAsync(state, secret, GoogleOAuthOptions.RedirectUri(site, context.Request));
        return consent is null ? BackToFrontend(site, "invalid_state") : TypedResults.Redirect(consent);
    }

    /// <summary>
    /// Where Google sends the browser back. Anonymous (a browser redirect carries no bearer token): the
    /// single-use state says whose account this is, and the binding cookie proves it is the browser that
    /// started the round trip. Always answers with a redirect to the frontend.
    /// </summary>
    private static async Task<RedirectHttpResult> Callback(
        HttpContext context, GoogleAccountService google, IOptions<PublicUrlOptions> urls, CancellationToken ct)
    {
        var query = context.Request.Query;
        string? reason;
        if (!google.IsConfigured) reason = "not_configured";
        else if (query["state"].ToString() is not { Length: > 0 } state) reason = "invalid_state";
        else
        {
            // A caller that does send a token must be the user the state was issued to.
            var caller = context.User.Identity?.IsAuthenticated == true ? context.User.UserId() : null;
            var googleError = query["error"].ToString() is { Length: > 0 } e ? e : null;
            reason = await google.CompleteAsync(state, GoogleBrowserBinding.Read(context.Request), query["code"], googleError, caller,
                GoogleOAuthOptions.RedirectUri(urls.Value, context.Request), ct);
        }
        return BackToFrontend(urls.Value, reason);
    }

    /// <summary>
    /// Whether the browser says our page started this navigation. Fetch Metadata (<c>Sec-Fetch-Site</c>,
    /// set by the browser, never by a page): <c>same-origin</c> (the page on this API) and <c>same-site</c>
    /// are taken; <c>none</c> (typed, bookmarked, opened from an e-mail or another app) is not. A
    /// <c>cross-site</c> navigation (a frontend on another site), or a browser without Fetch Metadata, is
    /// taken only with a <c>Referer</c> from a <c>FRONTEND_URL</c> origin or this API's own (so such a
    /// frontend must not send <c>Referrer-Policy: no-referrer</c>).
    /// </summary>
    internal static bool StartedByOurPage(HttpRequest request, PublicUrlOptions urls)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "same-origin" or "same-site") return true;
        if (site is not ("cross-site" or "")) return false;
        if (!Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)) return false;
        var origin = referer.GetLeftPart(UriPartial.Authority);
        return urls.FrontendOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase)
               || string.Equals(origin, GoogleOAuthSetup.OriginOf(urls.ApiBase(request)), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The redirect to the first <c>FRONTEND_URL</c> origin: <c>?google=connected</c>, or <c>?google=error&amp;reason=…</c>.</summary>
    private static RedirectHttpResult BackToFrontend(PublicUrlOptions urls, string? reason)
    {
        var result = reason is null
            ? new Dictionary<string, string?> { ["google"] = "connected" }
            : new Dictionary<string, string?> { ["google"] = "error", ["reason"] = reason };
        var frontend = urls.FrontendUrl is { } first ? first.TrimEnd('/') + "/" : "/";
        return TypedResults.Redirect(QueryHelpers.AddQueryString(frontend, result));
    }

    private static async Task<Ok<GoogleAccountStatus>> Status(HttpContext context, GoogleAccountService google) =>
        TypedResults.Ok(await google.GetStatusAsync(context.User.UserId()));

    private static async Task<NoContent> Disconnect(HttpContext context, GoogleAccountService google, CancellationToken ct)
    {
        await google.DisconnectAsync(context.User.UserId(), ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotConfigured() =>
        Problems.Error(ErrorCodes.NotConfigured, "Google sign-in is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET).");
}

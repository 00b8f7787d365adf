using CinemaSync.Grains.Abstractions;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>Per-user Google OAuth under <c>/api/google</c>: auth-url, callback, status, disconnect.</summary>
public static class GoogleOAuthApi
{
    public sealed record AuthUrlBody(string Url);

    public static IEndpointRouteBuilder MapGoogleOAuthApi(this IEndpointRouteBuilder app)
    {
        var google = app.MapGroup("/api/google").WithTags("Google").RequireRateLimiting(RateLimits.OAuth);
        google.MapGet("/auth-url", AuthUrl).RequireAuthorization();
        google.MapGet("/callback", Callback).AllowAnonymous();
        google.MapGet("/status", Status).RequireAuthorization();
        google.MapPost("/disconnect", Disconnect).RequireAuthorization();
        return app;
    }

    /// <summary>Google's consent URL (offline access, consent prompt, Drive read-only) with a state bound to the caller.</summary>
    private static async Task<Results<Ok<AuthUrlBody>, ProblemHttpResult>> AuthUrl(
        HttpContext context, GoogleAccountService google, IOptions<GoogleOAuthOptions> options)
    {
        if (!google.IsConfigured) return NotConfigured();
        var url = await google.CreateAuthorizationUrlAsync(context.User.UserId(), options.Value.RedirectUri(context.Request));
        return TypedResults.Ok(new AuthUrlBody(url));
    }

    /// <summary>
    /// Where Google sends the browser back. Anonymous (a browser redirect carries no bearer token):
    /// the single-use state says whose account this is. Always answers with a redirect to the frontend.
    /// </summary>
    private static async Task<RedirectHttpResult> Callback(
        HttpContext context, GoogleAccountService google, IOptions<GoogleOAuthOptions> options, CancellationToken ct)
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
            reason = await google.CompleteAsync(state, query["code"], googleError, caller, options.Value.RedirectUri(context.Request), ct);
        }
        var result = reason is null
            ? new Dictionary<string, string?> { ["google"] = "connected" }
            : new Dictionary<string, string?> { ["google"] = "error", ["reason"] = reason };
        var frontend = options.Value.FrontendUrl.Length > 0 ? options.Value.FrontendUrl.TrimEnd('/') + "/" : "/";
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

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// Per-user Google OAuth. The old variable names win over the <c>Google:*</c> keys:
/// <c>GOOGLE_CLIENT_ID</c>, <c>GOOGLE_CLIENT_SECRET</c>, <c>GOOGLE_OAUTH_AUTH_URL</c>,
/// <c>GOOGLE_OAUTH_TOKEN_URL</c>, <c>GOOGLE_OAUTH_REVOKE_URL</c>, <c>API_BASE_URL</c> (the redirect
/// URI is <c>API_BASE_URL/api/google/callback</c>) and <c>FRONTEND_URL</c> (its first origin is
/// where the callback sends the browser back).
/// </summary>
public sealed class GoogleOAuthOptions
{
    public const string Section = "Google";
    public const string DefaultAuthUrl = "https://accounts.google.com/o/oauth2/v2/auth";
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";
    public const string DefaultRevokeUrl = "https://oauth2.googleapis.com/revoke";
    public const string CallbackPath = "/api/google/callback";
    public const string StartPath = "/api/google/start";
    public const string DriveReadOnlyScope = "https://www.googleapis.com/auth/drive.readonly";

    public static readonly string[] Scopes = ["openid", "email", DriveReadOnlyScope];

    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    public string AuthUrl { get; set; } = DefaultAuthUrl;
    public string TokenUrl { get; set; } = DefaultTokenUrl;
    public string RevokeUrl { get; set; } = DefaultRevokeUrl;

    /// <summary>This API's public base URL; empty: taken from the request (fine when nothing rewrites the host).</summary>
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>Where the callback redirects the browser; empty: <c>/</c> of this API.</summary>
    public string FrontendUrl { get; set; } = "";

    /// <summary>
    /// Every <c>FRONTEND_URL</c> origin: pages there may open the start link even from another site
    /// (checked by the <c>Referer</c> origin when the browser says <c>Sec-Fetch-Site: cross-site</c>).
    /// </summary>
    public List<string> FrontendOrigins { get; set; } = [];

    /// <summary>How long an authorization <c>state</c> stays usable.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An access token this close to its expiry is refreshed before use.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsConfigured => ClientId.Length > 0 && ClientSecret.Length > 0;

    /// <summary>This API's public base URL, without a trailing slash: <see cref="ApiBaseUrl"/>, else the request's own.</summary>
    public string ApiBase(HttpRequest request) => Hosting.PublicUrlOptions.BaseUrl(ApiBaseUrl, request);

    public string RedirectUri(HttpRequest request) => ApiBase(request) + CallbackPath;
}

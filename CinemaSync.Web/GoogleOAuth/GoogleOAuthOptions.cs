namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// Per-user Google OAuth. The old variable names win over the <c>Google:*</c> keys:
/// <c>GOOGLE_CLIENT_ID</c>, <c>GOOGLE_CLIENT_SECRET</c>, <c>GOOGLE_OAUTH_AUTH_URL</c>,
/// <c>GOOGLE_OAUTH_TOKEN_URL</c>, <c>GOOGLE_OAUTH_REVOKE_URL</c>. The redirect URI
/// (<c>API_BASE_URL/api/google/callback</c>) and where the callback sends the browser back (the
/// first <c>FRONTEND_URL</c>) come from <see cref="Hosting.PublicUrlOptions"/>.
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

    /// <summary>How long an authorization <c>state</c> stays usable.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An access token this close to its expiry is refreshed before use.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsConfigured => ClientId.Length > 0 && ClientSecret.Length > 0;

    /// <summary>Where Google sends the browser back: <c>API_BASE_URL/api/google/callback</c>.</summary>
    public static string RedirectUri(Hosting.PublicUrlOptions urls, HttpRequest request) => urls.ApiBase(request) + CallbackPath;
}

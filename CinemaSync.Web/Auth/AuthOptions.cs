namespace CinemaSync.Web.Auth;

/// <summary>Backend JWT settings. <c>JWT_SECRET</c> (the old name) overrides <c>Auth:JwtSecret</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Used only in Development when no secret is configured, with a loud warning.</summary>
    public const string DevelopmentSecret = "cinemasync-development-secret-do-not-use-in-production";

    public string JwtSecret { get; set; } = "";
    public string Issuer { get; set; } = "cinemasync";
    public string Audience { get; set; } = "cinemasync";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary><c>POST /api/auth/dev</c>; defaults to on in Development only; refused in Production.</summary>
    public bool? DevLogin { get; set; }

    /// <summary>
    /// Sign-ins per minute: Firebase exchanges (<c>/api/auth/exchange</c>) per client IP, development
    /// sign-ins (<c>/api/auth/dev</c>) per display name; 0 turns the limit off.
    /// </summary>
    public int LoginRateLimitPerMinute { get; set; } = 10;

    /// <summary>Google OAuth requests per user (per IP for the anonymous callback) per minute; 0 turns the limit off.</summary>
    public int OAuthRateLimitPerMinute { get; set; } = 30;
}

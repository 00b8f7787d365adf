using CinemaSync.Web.Hosting;

namespace CinemaSync.Web.GoogleOAuth;

public static class GoogleOAuthSetup
{
    public static WebApplicationBuilder AddCinemaSyncGoogleOAuth(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddOptions<GoogleOAuthOptions>()
            .Bind(config.GetSection(GoogleOAuthOptions.Section))
            .Configure(o =>
            {
                if (config["GOOGLE_CLIENT_ID"] is { Length: > 0 } id) o.ClientId = id;
                if (config["GOOGLE_CLIENT_SECRET"] is { Length: > 0 } secret) o.ClientSecret = secret;
                if (config["GOOGLE_OAUTH_AUTH_URL"] is { Length: > 0 } auth) o.AuthUrl = auth;
                if (config["GOOGLE_OAUTH_TOKEN_URL"] is { Length: > 0 } token) o.TokenUrl = token;
                if (config["GOOGLE_OAUTH_REVOKE_URL"] is { Length: > 0 } revoke) o.RevokeUrl = revoke;
            })
            .Validate(o => IsHttpUrl(o.AuthUrl) && IsHttpUrl(o.TokenUrl) && IsHttpUrl(o.RevokeUrl),
                "GOOGLE_OAUTH_AUTH_URL, GOOGLE_OAUTH_TOKEN_URL and GOOGLE_OAUTH_REVOKE_URL must be absolute http(s) URLs.")
            .Validate(o => o.StateLifetime > TimeSpan.Zero, "Google:StateLifetime must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GoogleAccountService>();
        return builder;
    }

    /// <summary><c>scheme://host[:port]</c> of an absolute URL (what a <c>Referer</c> is compared with); the text itself otherwise (validation reports it).</summary>
    internal static string OriginOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;

    private static bool IsHttpUrl(string value) => PublicUrlOptions.IsHttpUrl(value);
}

using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Http;

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// Google.Apis.Auth's authorization code flow on the configured endpoints. The initializer's URL
/// constructor is protected, hence the subclass. PKCE (S256) on every round trip: the code verifier is
/// made by <see cref="GoogleAccountService"/> and kept with the state, server-side. No data store: tokens are kept, encrypted, by
/// <see cref="GoogleAccountService"/> in the user's grain.
/// </summary>
public static class GoogleOAuthFlow
{
    public static PkceGoogleAuthorizationCodeFlow Create(GoogleOAuthOptions options) => new(new EndpointInitializer(options));

    private sealed class EndpointInitializer : GoogleAuthorizationCodeFlow.Initializer
    {
        public EndpointInitializer(GoogleOAuthOptions options) : base(options.AuthUrl, options.TokenUrl, options.RevokeUrl)
        {
            ClientSecrets = new ClientSecrets { ClientId = options.ClientId, ClientSecret = options.ClientSecret };
            Scopes = GoogleOAuthOptions.Scopes;
            Prompt = "consent";
            // Fail fast: a token request is on a user's request path; the caller decides about retries.
            DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None;
        }
    }
}

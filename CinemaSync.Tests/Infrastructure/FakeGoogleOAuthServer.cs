using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// Stands in for Google's OAuth endpoints on loopback: a consent page (<c>GET /o/oauth2/v2/auth</c>: the
/// browser's signed-in Google account is its <see cref="AccountCookie"/>; it consents at once and redirects
/// to <c>redirect_uri</c> with a code and the state; PKCE S256 is required, as Google requires a
/// challenge once one is used), a token endpoint (authorization_code — the code verifier must match the
/// code's challenge and <c>redirect_uri</c> the consent request's — and
/// refresh_token grants, <c>invalid_grant</c> for unknown, used or revoked grants; the JWT-bearer grant
/// of service accounts, whose assertion is verified against the key of <see cref="CreateServiceAccountKeyFile"/>)
/// and a revoke endpoint. Every access token it issues is remembered with whose it is (<see cref="PrincipalOf"/>),
/// so a fake Google API can tell who calls it.
/// </summary>
public sealed class FakeGoogleOAuthServer : IAsyncDisposable
{
    public const string ClientId = "test-client.apps.googleusercontent.com";
    public const string ClientSecret = "test-client-secret";

    /// <summary>The cookie (on this server's origin) naming the Google account a browser is signed in to.</summary>
    public const string AccountCookie = "fake_google_account";

    /// <summary>What one authorization code turns into.</summary>
    public sealed record Grant(string Code, string Email, long ExpiresIn, string RefreshToken, string CodeChallenge, string RedirectUri);

    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentQueue<Grant> _grants = new();
    private readonly ConcurrentDictionary<string, long> _tokenLifetimes = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentQueue<string> _revoked = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _tokenRequests = new();
    private readonly ConcurrentDictionary<string, string> _accessTokens = new();
    private readonly ConcurrentDictionary<string, RSA> _serviceAccounts = new();
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public Uri AuthUrl => new(BaseAddress, "/o/oauth2/v2/auth");
    public Uri TokenUrl => new(BaseAddress, "/token");
    public Uri RevokeUrl => new(BaseAddress, "/revoke");

    public IReadOnlyCollection<string> Revoked => _revoked.ToArray();
    /// <summary>Every code the consent page issued, oldest first.</summary>
    public IReadOnlyList<Grant> Grants => _grants.ToArray();
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TokenRequests => _tokenRequests.ToArray();
    public int RefreshGrants => TokenRequests.Count(r => r.GetValueOrDefault("grant_type") == "refresh_token");
    public int JwtBearerGrants => TokenRequests.Count(r => r.GetValueOrDefault("grant_type") == JwtBearerGrant);

    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>The e-mail (user or service account) an access token issued here belongs to; null for unknown tokens.</summary>
    public string? PrincipalOf(string accessToken) => _accessTokens.GetValueOrDefault(accessToken);

    /// <summary>
    /// A new service account: an RSA key registered here, and its key file (Google's JSON format, with
    /// <c>token_uri</c> pointing at this server) written into <paramref name="directory"/>.
    /// </summary>
    public (string Path, string Email) CreateServiceAccountKeyFile(string directory, string name = "cinemasync-test")
    {
        var rsa = RSA.Create(2048);
        var email = $"{name}@fake-project.iam.gserviceaccount.com";
        _serviceAccounts[email] = rsa;
        var key = new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "fake-project",
            ["private_key_id"] = Guid.NewGuid().ToString("N"),
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = email,
            ["client_id"] = "1234567890",
            ["auth_uri"] = AuthUrl.ToString(),
            ["token_uri"] = TokenUrl.ToString(),
        };
        var path = System.IO.Path.Combine(directory, $"{name}-key.json");
        File.WriteAllText(path, JsonSerializer.Serialize(key));
        return (path, email);
    }

    public static async Task<FakeGoogleOAuthServer> StartAsync()
    {
        var fake = new FakeGoogleOAuthServer();
        var (app, address) = await FakeApp.StartAsync(app =>
        {
            app.MapGet("/o/oauth2/v2/auth", (Delegate)fake.Consent);
            app.MapPost("/token", (Delegate)fake.Token);
            app.MapPost("/revoke", (Delegate)fake.Revoke);
        });
        fake._app = app;
        fake.BaseAddress = address;
        return fake;
    }

    /// <summary>Access tokens issued to <paramref name="email"/> from now on live <paramref name="seconds"/> seconds (default 3600).</summary>
    public void SetTokenLifetime(string email, long seconds) => _tokenLifetimes[email] = seconds;

    /// <summary>
    /// Google's consent page, consenting at once as the browser's signed-in account: a code tied to the
    /// request's S256 challenge and redirect URI, sent back to <c>redirect_uri</c> with the state. A request
    /// Google would refuse gets Google's error page (400), not a redirect.
    /// </summary>
    private IResult Consent(HttpContext context)
    {
        var query = context.Request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["client_id"] != ClientId || query["response_type"] != "code" || !Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
            return Results.Text("fake Google: Error 400: invalid_request (client, response type or redirect URI)", statusCode: 400);
        var challenge = query["code_challenge"].ToString();
        if (query["code_challenge_method"] != "S256" || !System.Text.RegularExpressions.Regex.IsMatch(challenge, "^[A-Za-z0-9_-]{43}$"))
            return Results.Text("fake Google: Error 400: invalid_request (PKCE S256 code_challenge required)", statusCode: 400);
        if (context.Request.Cookies[AccountCookie] is not { Length: > 0 } email)
            return Results.Text("fake Google: sign in first", statusCode: 401);

        var code = "4/code-" + Guid.NewGuid().ToString("N");
        var grant = new Grant(code, email, _tokenLifetimes.GetValueOrDefault(email, 3600), "1//refresh-" + Guid.NewGuid().ToString("N"), challenge, redirectUri);
        _codes[code] = grant;
        _grants.Enqueue(grant);
        var back = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(redirectUri,
            new Dictionary<string, string?> { ["state"] = query["state"].ToString(), ["code"] = code, ["scope"] = query["scope"].ToString() });
        return Results.Redirect(back);
    }

    /// <summary>The user revoked the app's access at Google: its refresh token stops working.</summary>
    public void RevokeAtGoogle(string refreshToken) => _refreshTokens.TryRemove(refreshToken, out _);

    private async Task<IResult> Token(HttpContext context)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        _tokenRequests.Enqueue(form);
        if (form.GetValueOrDefault("grant_type") == JwtBearerGrant) return ServiceAccountToken(form);
        if (form.GetValueOrDefault("client_id") != ClientId || form.GetValueOrDefault("client_secret") != ClientSecret)
            return Error("invalid_client", StatusCodes.Status401Unauthorized);
        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant)) return Error("invalid_grant");
                if (form.GetValueOrDefault("code_verifier") is not { Length: > 0 } verifier)
                    return Error("invalid_grant", description: "Missing code verifier.");
                if (Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.CodeChallenge)
                    return Error("invalid_grant", description: "Invalid code verifier.");
                if (form.GetValueOrDefault("redirect_uri") != grant.RedirectUri) return Error("redirect_uri_mismatch");
                _refreshTokens[grant.RefreshToken] = grant;
                return Results.Json(new
                {
                    access_token = Issue("ya29.access-", grant.Email),
                    expires_in = grant.ExpiresIn,
                    refresh_token = grant.RefreshToken,
                    scope = "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/drive.readonly",
                    token_type = "Bearer",
                    id_token = IdToken(grant.Email),
                });
            case "refresh_token":
                if (!_refreshTokens.TryGetValue(form.GetValueOrDefault("refresh_token") ?? "", out var refreshed)) return Error("invalid_grant");
                return Results.Json(new
                {
                    access_token = Issue("ya29.refreshed-", refreshed.Email),
                    expires_in = 3599,
                    scope = "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/drive.readonly",
                    token_type = "Bearer",
                });
            default:
                return Error("unsupported_grant_type");
        }
    }

    private string Issue(string prefix, string principal)
    {
        var token = prefix + Guid.NewGuid().ToString("N");
        _accessTokens[token] = principal;
        return token;
    }

    /// <summary>RFC 7523: a service account's signed JWT traded for an access token.</summary>
    private IResult ServiceAccountToken(Dictionary<string, string> form)
    {
        var parts = (form.GetValueOrDefault("assertion") ?? "").Split('.');
        if (parts.Length != 3) return Error("invalid_grant");
        JsonElement claims;
        try
        {
            claims = JsonSerializer.Deserialize<JsonElement>(Base64UrlEncoder.DecodeBytes(parts[1]));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return Error("invalid_grant");
        }
        var issuer = claims.TryGetProperty("iss", out var iss) ? iss.GetString() ?? "" : "";
        if (!_serviceAccounts.TryGetValue(issuer, out var rsa)) return Error("invalid_grant");
        var signed = rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlEncoder.DecodeBytes(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var audience = claims.TryGetProperty("aud", out var aud) ? aud.GetString() : null;
        var scope = claims.TryGetProperty("scope", out var sc) ? sc.GetString() ?? "" : "";
        var expires = claims.TryGetProperty("exp", out var exp) ? exp.GetInt64() : 0;
        // Google.Apis.Auth puts Google's own token URL in aud whatever the key's token_uri says.
        if (!signed) return Error("invalid_grant", description: "bad signature");
        if (audience != TokenUrl.ToString() && audience != "https://oauth2.googleapis.com/token")
            return Error("invalid_grant", description: "bad aud " + audience);
        if (expires < DateTimeOffset.UtcNow.ToUnixTimeSeconds() || scope.Length == 0)
            return Error("invalid_grant", description: "expired or no scope");
        return Results.Json(new { access_token = Issue("ya29.service-", issuer), expires_in = 3599, token_type = "Bearer" });
    }

    private IResult Revoke(HttpContext context)
    {
        var token = context.Request.Query["token"].ToString();
        _revoked.Enqueue(token);
        _refreshTokens.TryRemove(token, out _);
        return Results.Ok();
    }

    private static IResult Error(string error, int status = StatusCodes.Status400BadRequest, string? description = null) =>
        Results.Json(new { error, error_description = "fake: " + (description ?? error) }, statusCode: status);

    private static string IdToken(string email)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        return Part(new { alg = "RS256", kid = "fake" }) + "." + Part(new { iss = "https://accounts.google.com", email, email_verified = true }) + "." +
               Base64UrlEncoder.Encode(Encoding.ASCII.GetBytes("not-checked"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

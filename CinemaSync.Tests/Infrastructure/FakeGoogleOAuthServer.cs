using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// Stands in for Google's OAuth endpoints on loopback: a token endpoint (authorization_code and
/// refresh_token grants, <c>invalid_grant</c> for unknown, used or revoked grants) and a revoke endpoint.
/// </summary>
public sealed class FakeGoogleOAuthServer : IAsyncDisposable
{
    public const string ClientId = "test-client.apps.googleusercontent.com";
    public const string ClientSecret = "test-client-secret";

    /// <summary>What one authorization code turns into.</summary>
    public sealed record Grant(string Code, string Email, long ExpiresIn, string RefreshToken);

    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new();
    private readonly ConcurrentQueue<string> _revoked = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _tokenRequests = new();
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;
    public Uri AuthUrl => new(BaseAddress, "/o/oauth2/v2/auth");
    public Uri TokenUrl => new(BaseAddress, "/token");
    public Uri RevokeUrl => new(BaseAddress, "/revoke");

    public IReadOnlyCollection<string> Revoked => _revoked.ToArray();
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TokenRequests => _tokenRequests.ToArray();
    public int RefreshGrants => TokenRequests.Count(r => r.GetValueOrDefault("grant_type") == "refresh_token");

    public static async Task<FakeGoogleOAuthServer> StartAsync()
    {
        var fake = new FakeGoogleOAuthServer();
        var (app, address) = await FakeApp.StartAsync(app =>
        {
            app.MapPost("/token", (Delegate)fake.Token);
            app.MapPost("/revoke", (Delegate)fake.Revoke);
        });
        fake._app = app;
        fake.BaseAddress = address;
        return fake;
    }

    /// <summary>A code, as Google's consent page would hand the browser; its access tokens live <paramref name="expiresIn"/> seconds.</summary>
    public (string Code, Grant Grant) NewCode(string email = "viewer@gmail.test", long expiresIn = 3600)
    {
        var code = "4/code-" + Guid.NewGuid().ToString("N");
        var grant = new Grant(code, email, expiresIn, "1//refresh-" + Guid.NewGuid().ToString("N"));
        _codes[code] = grant;
        return (code, grant);
    }

    /// <summary>The user revoked the app's access at Google: its refresh token stops working.</summary>
    public void RevokeAtGoogle(string refreshToken) => _refreshTokens.TryRemove(refreshToken, out _);

    private async Task<IResult> Token(HttpContext context)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        _tokenRequests.Enqueue(form);
        if (form.GetValueOrDefault("client_id") != ClientId || form.GetValueOrDefault("client_secret") != ClientSecret)
            return Error("invalid_client", StatusCodes.Status401Unauthorized);
        switch (form.GetValueOrDefault("grant_type"))
        {
            case "authorization_code":
                if (!_codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var grant)) return Error("invalid_grant");
                _refreshTokens[grant.RefreshToken] = grant;
                return Results.Json(new
                {
                    access_token = "ya29.access-" + Guid.NewGuid().ToString("N"),
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
                    access_token = "ya29.refreshed-" + Guid.NewGuid().ToString("N"),
                    expires_in = 3599,
                    scope = "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/drive.readonly",
                    token_type = "Bearer",
                });
            default:
                return Error("unsupported_grant_type");
        }
    }

    private IResult Revoke(HttpContext context)
    {
        var token = context.Request.Query["token"].ToString();
        _revoked.Enqueue(token);
        _refreshTokens.TryRemove(token, out _);
        return Results.Ok();
    }

    private static IResult Error(string error, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error, error_description = "fake: " + error }, statusCode: status);

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

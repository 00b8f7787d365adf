using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// The Firebase Auth emulator's REST API on loopback, as the Firebase JS SDK calls it after
/// <c>connectAuthEmulator(auth, BaseAddress)</c>: e-mail/password accounts through
/// <c>/identitytoolkit.googleapis.com/v1/accounts:signUp</c>, <c>accounts:signInWithPassword</c>,
/// <c>accounts:lookup</c>, and ID token refresh through <c>/securetoken.googleapis.com/v1/token</c>.
/// Unlike the real emulator, which issues unsigned (<c>alg: none</c>) tokens, its ID tokens are
/// RS256-signed by a <see cref="FakeFirebaseIssuer"/>, so a server pointed at that issuer's JWKS
/// verifies them exactly as it verifies Google's (signature, kid, iss, aud, exp). CORS is open,
/// as the emulator's is: the page calls it from the server's origin.
/// </summary>
public sealed class FakeFirebaseAuthEmulator : IAsyncDisposable
{
    public const string ApiKey = "fake-firebase-web-api-key";

    private sealed record Account(string Uid, string Email, string Password, long CreatedAtMs);

    private readonly FakeFirebaseIssuer _issuer;
    private readonly ConcurrentDictionary<string, Account> _accountsByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Uid, long AuthTime)> _refreshTokens = new();
    private WebApplication _app = null!;
    private int _signUps, _signIns, _lookups, _refreshes;

    private FakeFirebaseAuthEmulator(FakeFirebaseIssuer issuer) => _issuer = issuer;

    /// <summary>The emulator's address, what <c>FIREBASE_AUTH_EMULATOR_HOST</c> names.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Host and port, the form <c>FIREBASE_AUTH_EMULATOR_HOST</c> takes.</summary>
    public string Host => BaseAddress.Authority;

    /// <summary>
    /// How long the ID tokens it issues live. Under 30 s the SDK treats every token as about to
    /// expire and refreshes it through <c>securetoken</c> before handing it out.
    /// </summary>
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public int SignUps => Volatile.Read(ref _signUps);
    public int SignIns => Volatile.Read(ref _signIns);
    public int Lookups => Volatile.Read(ref _lookups);
    public int Refreshes => Volatile.Read(ref _refreshes);

    public static async Task<FakeFirebaseAuthEmulator> StartAsync(FakeFirebaseIssuer issuer)
    {
        var emulator = new FakeFirebaseAuthEmulator(issuer);
        var (app, address) = await FakeApp.StartAsync(emulator.Map);
        emulator._app = app;
        emulator.BaseAddress = address;
        return emulator;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var response = context.Response;
            response.Headers.AccessControlAllowOrigin = "*";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
                response.Headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } asked ? asked : "*";
                response.Headers.AccessControlMaxAge = "600";
                response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            if (context.Request.Path != "/stats" && context.Request.Query["key"] != ApiKey)
            {
                await Error(context, "API key not valid. Please pass a valid API key.");
                return;
            }
            await next(context);
        });
        app.MapPost("/identitytoolkit.googleapis.com/v1/{action}", Identitytoolkit);
        app.MapPost("/securetoken.googleapis.com/v1/token", Token);
        app.MapGet("/stats", () => Results.Json(new { sign_ups = SignUps, sign_ins = SignIns, lookups = Lookups, refreshes = Refreshes }));
    }

    private async Task Identitytoolkit(HttpContext context, string action)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var json = body.RootElement;
        string? Text(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (action)
        {
            case "accounts:signUp":
            {
                Interlocked.Increment(ref _signUps);
                if (Text("email") is not { Length: > 0 } email)
                {
                    await Error(context, "OPERATION_NOT_ALLOWED"); // anonymous accounts are not enabled in this project
                    return;
                }
                if (Text("password") is not { Length: >= 6 } password)
                {
                    await Error(context, "WEAK_PASSWORD : Password should be at least 6 characters");
                    return;
                }
                var account = new Account("fbuid" + RandomNumberGenerator.GetHexString(20, lowercase: true), email, password,
                    DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                if (!_accountsByEmail.TryAdd(email, account))
                {
                    await Error(context, "EMAIL_EXISTS");
                    return;
                }
                var (idToken, refreshToken) = Issue(account.Uid, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
                {
                    ["kind"] = "identitytoolkit#SignupNewUserResponse", ["localId"] = account.Uid, ["email"] = account.Email,
                    ["idToken"] = idToken, ["refreshToken"] = refreshToken, ["expiresIn"] = ExpiresIn,
                });
                return;
            }
            case "accounts:signInWithPassword":
            {
                Interlocked.Increment(ref _signIns);
                if (Text("email") is not { } email || !_accountsByEmail.TryGetValue(email, out var account) || account.Password != Text("password"))
                {
                    await Error(context, "INVALID_LOGIN_CREDENTIALS"); // what Firebase answers with e-mail enumeration protection on
                    return;
                }
                var (idToken, refreshToken) = Issue(account.Uid, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
                {
                    ["kind"] = "identitytoolkit#VerifyPasswordResponse", ["localId"] = account.Uid, ["email"] = account.Email,
                    ["displayName"] = "", ["idToken"] = idToken, ["registered"] = true, ["refreshToken"] = refreshToken,
                    ["expiresIn"] = ExpiresIn,
                });
                return;
            }
            case "accounts:lookup":
            {
                Interlocked.Increment(ref _lookups);
                var uid = Text("idToken") is { } token && new JsonWebTokenHandler().CanReadToken(token)
                    ? new JsonWebToken(token).Subject
                    : null;
                if (_accountsByEmail.Values.FirstOrDefault(a => a.Uid == uid) is not { } account)
                {
                    await Error(context, "INVALID_ID_TOKEN");
                    return;
                }
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
                {
                    ["kind"] = "identitytoolkit#GetAccountInfoResponse",
                    ["users"] = new[]
                    {
                        new Dictionary<string, object?>
                        {
                            ["localId"] = account.Uid, ["email"] = account.Email, ["emailVerified"] = false,
                            ["providerUserInfo"] = new[]
                            {
                                new { providerId = "password", email = account.Email, federatedId = account.Email, rawId = account.Email },
                            },
                            ["passwordUpdatedAt"] = account.CreatedAtMs, ["validSince"] = (account.CreatedAtMs / 1000).ToString(),
                            ["lastLoginAt"] = now, ["createdAt"] = account.CreatedAtMs.ToString(),
                        },
                    },
                });
                return;
            }
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }

    /// <summary>
    /// The SDK refreshes ID tokens with a form post: <c>grant_type=refresh_token&amp;refresh_token=…</c>.
    /// As with Firebase, a refresh token stays valid (until sign-out, which the SDK does locally)
    /// and comes back unchanged, so concurrent refreshes of one session all succeed.
    /// </summary>
    private async Task Token(HttpContext context)
    {
        Interlocked.Increment(ref _refreshes);
        var form = await context.Request.ReadFormAsync();
        var refreshToken = form["refresh_token"].ToString();
        if (form["grant_type"] != "refresh_token" || !_refreshTokens.TryGetValue(refreshToken, out var session))
        {
            await Error(context, "INVALID_REFRESH_TOKEN");
            return;
        }
        var idToken = Mint(session.Uid, session.AuthTime);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["access_token"] = idToken, ["expires_in"] = ExpiresIn, ["token_type"] = "Bearer", ["refresh_token"] = refreshToken,
            ["id_token"] = idToken, ["user_id"] = session.Uid, ["project_id"] = FakeFirebaseIssuer.ProjectId,
        });
    }

    private string ExpiresIn => ((int)IdTokenLifetime.TotalSeconds).ToString();

    /// <summary>A sign-in: an ID token and a new refresh token for the session.</summary>
    private (string IdToken, string RefreshToken) Issue(string uid, long authTime)
    {
        var refreshToken = RandomNumberGenerator.GetHexString(40, lowercase: true);
        _refreshTokens[refreshToken] = (uid, authTime);
        return (Mint(uid, authTime), refreshToken);
    }

    /// <summary>An ID token as Firebase issues it for an e-mail/password account.</summary>
    private string Mint(string uid, long authTime)
    {
        var account = _accountsByEmail.Values.First(a => a.Uid == uid);
        var claims = FakeFirebaseIssuer.ValidClaims(uid);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        claims.Remove("name");
        claims.Remove("picture");
        claims["email"] = account.Email;
        claims["email_verified"] = false;
        claims["auth_time"] = authTime;
        claims["iat"] = now;
        claims["exp"] = now + (long)IdTokenLifetime.TotalSeconds;
        claims["firebase"] = new { identities = new { email = new[] { account.Email } }, sign_in_provider = "password" };
        return _issuer.Mint(claims);
    }

    /// <summary>Google's error shape, which the SDK turns into <c>auth/…</c> codes.</summary>
    private static Task Error(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(new
        {
            error = new { code = 400, message, errors = new[] { new { message, domain = "global", reason = "invalid" } } },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Requests;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>Whether a user has linked a Google account, and which.</summary>
public sealed record GoogleAccountStatus(bool Connected, string? Email);

/// <summary>
/// Per-user Google accounts: the OAuth round trip, and access tokens for calling Google APIs on the
/// user's behalf. Tokens live in the user's grain, encrypted with ASP.NET Core Data Protection
/// (purpose <see cref="ProtectorPurpose"/>); the key ring is shared by every node through a grain.
/// </summary>
public sealed partial class GoogleAccountService : IDisposable
{
    public const string ProtectorPurpose = "CinemaSync.GoogleTokens.v1";

    private readonly GoogleOAuthOptions _options;
    private readonly IGrainFactory _grains;
    private readonly IDataProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ILogger<GoogleAccountService> _logger;
    private readonly Lazy<PkceGoogleAuthorizationCodeFlow> _flow;

    public GoogleAccountService(IOptions<GoogleOAuthOptions> options, IGrainFactory grains, IDataProtectionProvider dataProtection,
        TimeProvider clock, ILogger<GoogleAccountService> logger)
    {
        _options = options.Value;
        _grains = grains;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _clock = clock;
        _logger = logger;
        _flow = new Lazy<PkceGoogleAuthorizationCodeFlow>(() => GoogleOAuthFlow.Create(_options));
    }

    /// <summary>False when <c>GOOGLE_CLIENT_ID</c>/<c>GOOGLE_CLIENT_SECRET</c> are missing.</summary>
    public bool IsConfigured => _options.IsConfigured;

    /// <summary>
    /// A fresh access token for the user's Google account (scopes: <c>openid email drive.readonly</c>),
    /// refreshed first when it expires within <see cref="GoogleOAuthOptions.RefreshMargin"/>.
    /// </summary>
    /// <exception cref="GoogleNotConnectedException">No link, or Google refused the refresh token (the link is then removed).</exception>
    /// <exception cref="GoogleTokenUnavailableException">Google could not be reached or answered with an error other than <c>invalid_grant</c>.</exception>
    /// <param name="forceRefresh">Refresh even if the stored token looks valid (Google refused it before its expiry).</param>
    public async Task<string> GetAccessTokenAsync(string userId, CancellationToken cancellationToken = default, bool forceRefresh = false)
    {
        var user = User(userId);
        var link = await user.GetGoogleAsync() ?? throw new GoogleNotConnectedException();
        var tokens = await ReadOrForgetAsync(user, link);
        if (!forceRefresh && tokens.ExpiresAt - (long)_options.RefreshMargin.TotalMilliseconds > Now) return tokens.AccessToken;
        if (tokens.RefreshToken is null)
        {
            await user.RemoveGoogleAsync(link.ProtectedTokens);
            throw new GoogleNotConnectedException("The Google access has expired; connect your Google account again.");
        }

        TokenResponse response;
        try
        {
            response = await _flow.Value.RefreshTokenAsync(userId, tokens.RefreshToken, cancellationToken);
        }
        catch (TokenResponseException ex) when (ex.Error?.Error == "invalid_grant")
        {
            _logger.LogInformation("Google refused the refresh token of user {UserId} (invalid_grant); removing the link", userId);
            await user.RemoveGoogleAsync(link.ProtectedTokens);
            throw new GoogleNotConnectedException("Google access was revoked or has expired; connect your Google account again.");
        }
        catch (Exception ex) when (ex is TokenResponseException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new GoogleTokenUnavailableException("Google's token endpoint could not refresh the access token.", ex);
        }

        var refreshed = Stored(response, tokens.RefreshToken);
        if (!await user.ReplaceGoogleTokensAsync(link.ProtectedTokens, Protect(refreshed))
            && await user.GetGoogleAsync() is null)
            throw new GoogleNotConnectedException(); // disconnected while refreshing
        return refreshed.AccessToken;
    }

    /// <summary>Whether the user has a Google link (does not call Google).</summary>
    public async Task<GoogleAccountStatus> GetStatusAsync(string userId)
    {
        var link = await User(userId).GetGoogleAsync();
        return new GoogleAccountStatus(link is not null, link?.Email);
    }

    /// <summary>Removes the link and revokes its token at Google (best effort: a failed revocation is logged).</summary>
    public async Task DisconnectAsync(string userId, CancellationToken cancellationToken = default)
    {
        var user = User(userId);
        if (await user.GetGoogleAsync() is not { } link) return;
        await user.RemoveGoogleAsync();
        if (!IsConfigured || !TryRead(link, out var tokens)) return;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await _flow.Value.RevokeTokenAsync(userId, tokens.RefreshToken ?? tokens.AccessToken, timeout.Token);
        }
        catch (Exception ex) when (ex is TokenResponseException or HttpRequestException or OperationCanceledException or JsonException or Newtonsoft.Json.JsonException)
        {
            _logger.LogWarning(ex, "Could not revoke the Google token of user {UserId}; the link is removed anyway", userId);
        }
    }

    /// <summary>
    /// Starts the round trip: a new single-use <c>state</c> bound to the user, with a PKCE code verifier
    /// kept beside it. Returns this API's start link (<see cref="GoogleOAuthOptions.StartPath"/>), which the
    /// user's browser opens to get its binding cookie and be sent on to Google.
    /// </summary>
    internal async Task<string> CreateStartUrlAsync(string userId, string apiBase)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32)); // 43 characters, RFC 7636's minimum entropy
        string state;
        do state = Base64Url(RandomNumberGenerator.GetBytes(32));
        while (!await _grains.GetGrain<IOAuthStateGrain>(state).BeginAsync(userId, verifier, _options.StateLifetime));
        return $"{apiBase}{GoogleOAuthOptions.StartPath}?state={state}";
    }

    /// <summary>
    /// The start link, opened by a browser with binding secret <paramref name="browserSecret"/>: binds the
    /// state to that browser (the first to open it keeps it) and returns Google's consent URL with the
    /// state and the S256 code challenge; null when the state is unknown, expired or another browser's.
    /// </summary>
    internal async Task<string?> StartAsync(string state, string browserSecret, string redirectUri)
    {
        if (!StateFormat().IsMatch(state)) return null;
        var verifier = await _grains.GetGrain<IOAuthStateGrain>(state).ClaimAsync(GoogleBrowserBinding.Hash(browserSecret));
        if (verifier is null) return null;
        var request = (GoogleAuthorizationCodeRequestUrl)_flow.Value.CreateAuthorizationCodeRequest(redirectUri);
        request.AccessType = "offline";
        request.State = state;
        request.CodeChallenge = Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        request.CodeChallengeMethod = "S256";
        return request.Build().AbsoluteUri;
    }

    /// <summary>
    /// Ends the round trip: consumes the state, which must be bound to this browser (<paramref name="browserSecret"/>,
    /// null when it sent no binding cookie), exchanges the code with the PKCE verifier and stores the tokens.
    /// Returns null on success or a short machine reason (<c>invalid_state</c>, <c>browser_mismatch</c>,
    /// <c>exchange_failed</c>, …).
    /// </summary>
    internal async Task<string?> CompleteAsync(string state, string? browserSecret, string? code, string? googleError, string? callerUserId,
        string redirectUri, CancellationToken cancellationToken)
    {
        if (!StateFormat().IsMatch(state)) return "invalid_state";
        // Consumed whatever the outcome: a state that reached the wrong browser is dead for everyone.
        var grant = await _grains.GetGrain<IOAuthStateGrain>(state).ConsumeAsync(browserSecret is null ? "" : GoogleBrowserBinding.Hash(browserSecret));
        if (grant is null) return browserSecret is null ? "browser_mismatch" : "invalid_state";
        var userId = grant.UserId;
        if (callerUserId is not null && callerUserId != userId) return "invalid_state";
        if (googleError is not null) return ReasonFormat().IsMatch(googleError) ? googleError : "access_denied";
        if (string.IsNullOrEmpty(code)) return "missing_code";

        TokenResponse response;
        try
        {
            response = await _flow.Value.ExchangeCodeForTokenAsync(userId, code, grant.CodeVerifier, redirectUri, cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            _logger.LogInformation("Google refused the authorization code of user {UserId}: {Error}", userId, ex.Error?.Error);
            return "exchange_failed";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or Newtonsoft.Json.JsonException)
        {
            _logger.LogWarning(ex, "Google's token endpoint failed for user {UserId}", userId);
            return "google_unavailable";
        }
        if (string.IsNullOrEmpty(response.AccessToken)) return "exchange_failed";

        var user = User(userId);
        // Google sends a refresh token with prompt=consent; keep the previous one if it ever does not.
        var previous = await user.GetGoogleAsync() is { } old && TryRead(old, out var oldTokens) ? oldTokens.RefreshToken : null;
        var tokens = Stored(response, previous);
        await user.SetGoogleAsync(new GoogleLink { ProtectedTokens = Protect(tokens), Email = EmailOf(response.IdToken), ConnectedAt = Now });
        return null;
    }

    private IUserGrain User(string userId) => _grains.GetGrain<IUserGrain>(userId);

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private StoredTokens Stored(TokenResponse response, string? previousRefreshToken) => new(
        response.AccessToken,
        string.IsNullOrEmpty(response.RefreshToken) ? previousRefreshToken : response.RefreshToken,
        Now + (response.ExpiresInSeconds ?? 3600) * 1000,
        response.Scope);

    private string Protect(StoredTokens tokens) => _protector.Protect(JsonSerializer.Serialize(tokens, CinemaSyncJson.Options));

    private bool TryRead(GoogleLink link, out StoredTokens tokens)
    {
        try
        {
            tokens = JsonSerializer.Deserialize<StoredTokens>(_protector.Unprotect(link.ProtectedTokens), CinemaSyncJson.Options)!;
            return tokens is { AccessToken.Length: > 0 };
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            _logger.LogWarning(ex, "Stored Google tokens cannot be decrypted (lost or foreign Data Protection keys)");
            tokens = null!;
            return false;
        }
    }

    private async Task<StoredTokens> ReadOrForgetAsync(IUserGrain user, GoogleLink link)
    {
        if (TryRead(link, out var tokens)) return tokens;
        await user.RemoveGoogleAsync(link.ProtectedTokens);
        throw new GoogleNotConnectedException("The stored Google tokens are unreadable; connect your Google account again.");
    }

    /// <summary>The <c>email</c> of the ID token Google's token endpoint returned (trusted: it came straight from Google over TLS).</summary>
    private static string? EmailOf(string? idToken)
    {
        if (string.IsNullOrEmpty(idToken)) return null;
        try
        {
            return new JsonWebToken(idToken).TryGetPayloadValue<string>("email", out var email) ? email : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9_-]{32,128}$")]
    private static partial Regex StateFormat();

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex ReasonFormat();

    public void Dispose()
    {
        if (_flow.IsValueCreated) _flow.Value.Dispose();
    }

    /// <summary>What is encrypted into <see cref="GoogleLink.ProtectedTokens"/>.</summary>
    internal sealed record StoredTokens(string AccessToken, string? RefreshToken, long ExpiresAt, string? Scope);
}

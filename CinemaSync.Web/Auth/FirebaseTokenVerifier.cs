using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Web.Auth;

/// <summary>Who a verified Firebase ID token says the caller is.</summary>
public sealed record FirebaseIdentity(string Uid, string? Name, string? Email, string? Picture);

/// <summary>
/// Verifies Firebase ID tokens as Firebase documents it: RS256 signature by a key of the
/// securetoken JWKS (matched by <c>kid</c>), <c>iss</c> = https://securetoken.google.com/&lt;project&gt;,
/// <c>aud</c> = the project, <c>exp</c> in the future, <c>iat</c> and <c>auth_time</c> in the past
/// (with <see cref="FirebaseOptions.ClockSkew"/>), <c>sub</c> non-empty and at most 128 characters.
/// </summary>
public sealed class FirebaseTokenVerifier(IOptions<FirebaseOptions> options, FirebaseSigningKeys keys, TimeProvider clock)
{
    public const int MaxTokenLength = 16 * 1024;
    private const int MaxUidLength = 128;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public bool IsConfigured => options.Value.IsConfigured;

    /// <exception cref="FirebaseTokenRejectedException">The token is not a valid ID token of this project.</exception>
    /// <exception cref="FirebaseKeysUnavailableException">The signing keys could not be fetched.</exception>
    public async Task<FirebaseIdentity> VerifyAsync(string idToken, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("Firebase is not configured.");
        if (idToken.Length is 0 or > MaxTokenLength || !_handler.CanReadToken(idToken))
            throw new FirebaseTokenRejectedException("The ID token is malformed.");
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(idToken);
        }
        catch (ArgumentException)
        {
            throw new FirebaseTokenRejectedException("The ID token is malformed.");
        }
        if (jwt.IsEncrypted) throw new FirebaseTokenRejectedException("The ID token is malformed.");

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = o.Issuer,
            ValidAudience = o.ProjectId,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = o.ClockSkew,
            TryAllIssuerSigningKeys = false,
        };
        if (o.EmulatorEnabled && jwt.Alg == SecurityAlgorithms.None && jwt.EncodedSignature.Length == 0)
        {
            // The Firebase Auth emulator signs nothing (never enabled in Production: see AuthSetup).
            parameters.RequireSignedTokens = false;
            parameters.ValidateIssuerSigningKey = false;
        }
        else
        {
            if (jwt.Alg != SecurityAlgorithms.RsaSha256)
                throw new FirebaseTokenRejectedException("The ID token must be signed with RS256.");
            if (string.IsNullOrEmpty(jwt.Kid) || await keys.FindAsync(jwt.Kid, cancellationToken) is not { } key)
                throw new FirebaseTokenRejectedException("The ID token is signed with an unknown key.");
            parameters.IssuerSigningKey = key;
        }

        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid) throw new FirebaseTokenRejectedException(Reason(result.Exception));

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)o.ClockSkew.TotalSeconds;
        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat) || iat > now + skew)
            throw new FirebaseTokenRejectedException("The ID token's iat is missing or in the future.");
        if (!jwt.TryGetPayloadValue<long>("auth_time", out var authTime) || authTime > now + skew)
            throw new FirebaseTokenRejectedException("The ID token's auth_time is missing or in the future.");
        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) || string.IsNullOrWhiteSpace(sub) || sub.Length > MaxUidLength)
            throw new FirebaseTokenRejectedException("The ID token's sub must be a non-empty string of at most 128 characters.");

        return new FirebaseIdentity(sub, Text(jwt, "name"), Text(jwt, JwtRegisteredClaimNames.Email), Text(jwt, "picture"));
    }

    private static string? Text(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "The ID token has expired.",
        SecurityTokenNotYetValidException => "The ID token is not valid yet.",
        SecurityTokenNoExpirationException => "The ID token has no expiry.",
        SecurityTokenInvalidAudienceException => "The ID token is for another project.",
        SecurityTokenInvalidIssuerException => "The ID token has the wrong issuer.",
        SecurityTokenInvalidAlgorithmException => "The ID token must be signed with RS256.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The ID token's signature is not valid.",
        _ => "The ID token is not valid.",
    };
}

/// <summary>The ID token was refused; the message is a short reason safe to show the caller.</summary>
public sealed class FirebaseTokenRejectedException(string reason) : Exception(reason);

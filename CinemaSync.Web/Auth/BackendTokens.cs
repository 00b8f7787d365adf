using System.Security.Claims;
using System.Text;
using CinemaSync.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Web.Auth;

/// <summary>Issues the backend's own HS256 JWTs: <c>sub</c> = user id.</summary>
public sealed class BackendTokens(IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public static SymmetricSecurityKey KeyFor(string secret) => new(Encoding.UTF8.GetBytes(secret));

    public (string Token, long ExpiresAt) Issue(UserProfile user)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var expires = now + o.TokenLifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = user.UserId,
            [JwtRegisteredClaimNames.Name] = user.DisplayName,
            // Unique per token: two sign-ins within the same second would otherwise mint the same string.
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (user.Email is not null) claims[JwtRegisteredClaimNames.Email] = user.Email;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(KeyFor(o.JwtSecret), SecurityAlgorithms.HmacSha256),
        });
        return (token, expires.ToUnixTimeMilliseconds());
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("The token has no sub.");

    public static Actor Actor(this ClaimsPrincipal user) => new()
    {
        UserId = user.UserId(),
        DisplayName = user.FindFirstValue(JwtRegisteredClaimNames.Name) ?? "Guest",
    };

    /// <summary>True once the token's <c>exp</c> has passed (a live hub connection outlives its token).</summary>
    public static bool IsExpired(this ClaimsPrincipal user, DateTimeOffset now) =>
        !long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp) || now.ToUnixTimeSeconds() >= exp;
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>Hand-made backend JWTs: expired, signed with another key, unsigned.</summary>
public static class BackendJwts
{
    public static string Mint(string userId, DateTimeOffset expires, SigningCredentials? credentials = null, DateTimeOffset? issuedAt = null)
    {
        var issued = issuedAt ?? expires.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "cinemasync",
            Audience = "cinemasync",
            IssuedAt = issued.UtcDateTime,
            NotBefore = issued.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = userId, ["name"] = "Mallory" },
            SigningCredentials = credentials ?? Hs256(TestServer.JwtSecret),
        });
    }

    public static SigningCredentials Hs256(string secret) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256);

    /// <summary>A token of each kind the backend must refuse, by name.</summary>
    public static string Bad(string kind)
    {
        var hourAhead = DateTimeOffset.UtcNow.AddHours(1);
        return kind switch
        {
            "expired" => Mint("user-expired", DateTimeOffset.UtcNow.AddMinutes(-5)),
            "foreign_secret" => Mint("user-foreign", hourAhead, Hs256("another-secret-0123456789-0123456789-0123456789")),
            "foreign_rsa" => Mint("user-rsa", hourAhead, new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256)),
            "alg_none" => Unsigned("user-none", hourAhead),
            "wrong_issuer" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "someone-else", Audience = "cinemasync", Expires = hourAhead.UtcDateTime,
                Claims = new Dictionary<string, object> { ["sub"] = "user-iss" }, SigningCredentials = Hs256(TestServer.JwtSecret),
            }),
            "garbage" => "not-a-jwt",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static string Unsigned(string userId, DateTimeOffset expires)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        return Part("""{"alg":"none","typ":"JWT"}""") + "." +
               Part($$"""{"iss":"cinemasync","aud":"cinemasync","sub":"{{userId}}","exp":{{expires.ToUnixTimeSeconds()}},"iat":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}""") + ".";
    }
}

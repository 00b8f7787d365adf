using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// Stands in for Google's securetoken issuer: serves a JWKS of its own RSA keys on loopback and
/// mints Firebase-like ID tokens with any claims, algorithm and key id.
/// </summary>
public sealed class FakeFirebaseIssuer : IAsyncDisposable
{
    public const string ProjectId = "cinemasync-test";
    public const string Issuer = "https://securetoken.google.com/" + ProjectId;

    public sealed record SigningKey(string Kid, RSA Rsa);

    private readonly List<SigningKey> _published = [];
    private WebApplication _app = null!;
    private int _requests;

    public Uri JwksUrl { get; private set; } = null!;

    /// <summary>The key tokens are signed with unless told otherwise (published).</summary>
    public SigningKey Current { get; private set; } = null!;

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _requests);

    /// <summary>The <c>Cache-Control: max-age</c> the JWKS is served with; null sends none.</summary>
    public TimeSpan? MaxAge { get; set; } = TimeSpan.FromHours(1);

    public static async Task<FakeFirebaseIssuer> StartAsync()
    {
        var issuer = new FakeFirebaseIssuer();
        issuer.Current = issuer.Publish(NewKey());
        var (app, address) = await FakeApp.StartAsync(app => app.MapGet("/jwks", issuer.ServeJwks));
        issuer._app = app;
        issuer.JwksUrl = new Uri(address, "/jwks");
        return issuer;
    }

    public static SigningKey NewKey() => new("kid-" + Guid.NewGuid().ToString("N")[..12], RSA.Create(2048));

    public SigningKey Publish(SigningKey key)
    {
        lock (_published) _published.Add(key);
        return key;
    }

    private IResult ServeJwks(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (MaxAge is { } maxAge) context.Response.Headers.CacheControl = $"public, max-age={(int)maxAge.TotalSeconds}, must-revalidate, no-transform";
        List<SigningKey> keys;
        lock (_published) keys = _published.ToList();
        return Results.Json(new
        {
            keys = keys.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return new { kty = "RSA", alg = "RS256", use = "sig", kid = k.Kid, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) };
            }),
        });
    }

    /// <summary>The claims of a valid ID token for <paramref name="uid"/>, issued a few seconds ago.</summary>
    public static Dictionary<string, object?> ValidClaims(string? uid = null)
    {
        uid ??= "fb-" + Guid.NewGuid().ToString("N")[..20];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object?>
        {
            ["iss"] = Issuer,
            ["aud"] = ProjectId,
            ["auth_time"] = now - 30,
            ["user_id"] = uid,
            ["sub"] = uid,
            ["iat"] = now - 5,
            ["exp"] = now + 3600,
            ["name"] = "Ana Lima",
            ["email"] = "ana@example.com",
            ["email_verified"] = true,
            ["picture"] = "https://photos.example.com/ana.png",
            ["firebase"] = new { identities = new { }, sign_in_provider = "google.com" },
        };
    }

    /// <summary>
    /// A token with <paramref name="claims"/> (default: valid ones). <paramref name="alg"/> is RS256
    /// (signed by <paramref name="key"/>, default <see cref="Current"/>), HS256 (HMAC keyed with the
    /// PEM of the key's public part, the classic algorithm confusion) or none.
    /// </summary>
    public string Mint(Dictionary<string, object?>? claims = null, SigningKey? key = null, string alg = "RS256", string? kid = null)
    {
        key ??= Current;
        var header = new Dictionary<string, object?> { ["alg"] = alg, ["typ"] = "JWT" };
        if (alg != "none") header["kid"] = kid ?? key.Kid;
        var signingInput = Encode(header) + "." + Encode(claims ?? ValidClaims());
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = alg switch
        {
            "RS256" => key.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "HS256" => HMACSHA256.HashData(Encoding.ASCII.GetBytes(key.Rsa.ExportSubjectPublicKeyInfoPem()), data),
            "none" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(alg)),
        };
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

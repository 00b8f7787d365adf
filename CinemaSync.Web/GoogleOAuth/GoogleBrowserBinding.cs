using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// Ties a Google round trip to the browser that started it. The start link sets
/// <c>__Host-cinemasync_google</c> (random, HttpOnly, Secure, SameSite=Lax, Path=/, no Domain); the state
/// keeps a hash of it, and the callback links the account only when the browser sends the same cookie
/// back. Lax is what survives Google's top-level redirect back; <c>__Host-</c> means no other host
/// (not even a sibling subdomain) can plant or overwrite it. The cookie is always <c>Secure</c>:
/// browsers keep Secure cookies on http://localhost and http://127.0.0.1 (they are secure contexts;
/// verified with Chromium 156), and Google accepts plain-http redirect URIs only for loopback, so every
/// setup Google accepts is one where the cookie works.
/// </summary>
public static partial class GoogleBrowserBinding
{
    public const string CookieName = "__Host-cinemasync_google";

    /// <summary>The browser's binding secret: the one it already has (so two tabs can connect at once), else a new one set on the response.</summary>
    public static string Ensure(HttpContext context, TimeSpan lifetime)
    {
        var secret = Read(context.Request) ?? WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            MaxAge = lifetime,
            IsEssential = true,
        });
        return secret;
    }

    /// <summary>The binding secret the browser sent, or null (none, or not one this server sets).</summary>
    public static string? Read(HttpRequest request) =>
        request.Cookies[CookieName] is { } value && SecretFormat().IsMatch(value) ? value : null;

    /// <summary>What the state keeps: a hash, so the store never holds a cookie a browser could present.</summary>
    public static string Hash(string secret) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex SecretFormat();
}

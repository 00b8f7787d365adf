using System.Security.Cryptography;
using System.Text;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Rooms;

/// <summary>Signed, expiring room invites: <c>base64url(room_id|expires_at|nonce).base64url(hmac)</c>.</summary>
public sealed class InviteTokens(IOptions<AuthOptions> auth, TimeProvider clock)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);
    public const int MaxLifetimeMinutes = 7 * 24 * 60;
    public const int MaxLength = 512;

    private byte[] Key => SHA256.HashData(Encoding.UTF8.GetBytes("cinemasync-invite:" + auth.Value.JwtSecret));

    public (string Token, long ExpiresAt) Create(string roomId, TimeSpan lifetime)
    {
        var expiresAt = clock.GetUtcNow().Add(lifetime).ToUnixTimeMilliseconds();
        var payload = Encoding.UTF8.GetBytes($"{roomId}|{expiresAt}|{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}");
        return ($"{WebEncoders.Base64UrlEncode(payload)}.{WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Key, payload))}", expiresAt);
    }

    /// <summary>True when the token was signed here, is for this room and has not expired.</summary>
    public bool IsValid(string token, string roomId)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0) return false;
        byte[] payload, mac;
        try
        {
            payload = WebEncoders.Base64UrlDecode(token[..dot]);
            mac = WebEncoders.Base64UrlDecode(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(Key, payload))) return false;
        var parts = Encoding.UTF8.GetString(payload).Split('|');
        return parts.Length == 3 && parts[0] == roomId && long.TryParse(parts[1], out var expiresAt)
               && expiresAt > clock.GetUtcNow().ToUnixTimeMilliseconds();
    }
}

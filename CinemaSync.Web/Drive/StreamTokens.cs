using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

/// <summary>What a stream token allows: <see cref="ViewerId"/> may read <see cref="FileId"/> of <see cref="Owner"/>'s Drive while in <see cref="RoomId"/>.</summary>
public sealed record StreamGrant(string RoomId, string FileId, string Owner, string ViewerId, string? DriveUserId, long ExpiresAt);

/// <summary>
/// Short-lived signed stream tokens, <c>base64url(json grant).base64url(HMAC-SHA256)</c>, keyed from
/// <c>JWT_SECRET</c> with its own purpose (a stream token is never a backend token, nor the reverse).
/// </summary>
public sealed class StreamTokens(IOptions<AuthOptions> auth, IOptions<StreamOptions> options, TimeProvider clock)
{
    private const string Version = "s1";

    private byte[] Key => SHA256.HashData(Encoding.UTF8.GetBytes("cinemasync-stream:" + auth.Value.JwtSecret));

    public TimeSpan Lifetime => options.Value.TokenLifetime;

    public (string Token, long ExpiresAt) Create(string roomId, string fileId, string owner, string viewerId, string? driveUserId)
    {
        var expiresAt = clock.GetUtcNow().Add(Lifetime).ToUnixTimeMilliseconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new[] { Version, roomId, fileId, owner, viewerId, driveUserId ?? "", expiresAt.ToString() });
        return ($"{WebEncoders.Base64UrlEncode(payload)}.{WebEncoders.Base64UrlEncode(HMACSHA256.HashData(Key, payload))}", expiresAt);
    }

    /// <summary>The grant of a token signed here (expired or not: see <see cref="IsExpired"/>), or null.</summary>
    public StreamGrant? Read(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length > 4096) return null;
        try
        {
            var payload = WebEncoders.Base64UrlDecode(token[..dot]);
            var mac = WebEncoders.Base64UrlDecode(token[(dot + 1)..]);
            if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(Key, payload))) return null;
            var parts = JsonSerializer.Deserialize<string[]>(payload);
            if (parts is not { Length: 7 } || parts[0] != Version || !long.TryParse(parts[6], out var expiresAt)) return null;
            return new StreamGrant(parts[1], parts[2], parts[3], parts[4], parts[5].Length == 0 ? null : parts[5], expiresAt);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public bool IsExpired(StreamGrant grant) => grant.ExpiresAt <= clock.GetUtcNow().ToUnixTimeMilliseconds();
}

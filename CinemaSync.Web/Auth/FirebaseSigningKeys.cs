using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Web.Auth;

/// <summary>
/// Firebase's signing keys from the securetoken JWKS, cached for the response's
/// <c>Cache-Control: max-age</c> (else <see cref="FirebaseOptions.KeysDefaultLifetime"/>). An unknown
/// <c>kid</c> (a key rotation) triggers a fetch, but the JWKS is fetched at most once per
/// <see cref="FirebaseOptions.KeysRefreshInterval"/>, so garbage tokens cannot hammer Google.
/// </summary>
public sealed class FirebaseSigningKeys(
    IHttpClientFactory httpClients, IOptions<FirebaseOptions> options, TimeProvider clock, ILogger<FirebaseSigningKeys> logger)
{
    public const string HttpClientName = "firebase-jwks";

    private sealed record KeySet(IReadOnlyDictionary<string, SecurityKey> Keys, DateTimeOffset ExpiresAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySet? _current;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;

    /// <summary>The RSA key with this id, or null when the JWKS does not have it.</summary>
    /// <exception cref="FirebaseKeysUnavailableException">No keys could be fetched at all.</exception>
    public async Task<SecurityKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() < current.ExpiresAt && current.Keys.TryGetValue(kid, out var cached))
            return cached;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            var now = clock.GetUtcNow();
            var needed = current is null || now >= current.ExpiresAt || !current.Keys.ContainsKey(kid);
            if (needed && now - _lastAttempt >= options.Value.KeysRefreshInterval)
            {
                _lastAttempt = now;
                try
                {
                    current = _current = await FetchAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException or InvalidOperationException)
                {
                    logger.LogWarning(ex, "Could not fetch Firebase signing keys from {Url}", options.Value.JwksUrl);
                }
            }
            if (current is null) throw new FirebaseKeysUnavailableException();
            return current.Keys.GetValueOrDefault(kid);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<KeySet> FetchAsync(CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).GetAsync(options.Value.JwksUrl, cancellationToken);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        var keys = new Dictionary<string, SecurityKey>();
        foreach (var key in new JsonWebKeySet(json).Keys)
        {
            // Only RSA signing keys with an id: anything else could never verify an RS256 token.
            if (key.Kty != JsonWebAlgorithmsKeyTypes.RSA || string.IsNullOrEmpty(key.Kid)) continue;
            if (key.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig) continue;
            keys[key.Kid] = key;
        }
        var lifetime = response.Headers.CacheControl?.MaxAge ?? options.Value.KeysDefaultLifetime;
        logger.LogDebug("Fetched {Count} Firebase signing keys, cached for {Lifetime}", keys.Count, lifetime);
        return new KeySet(keys, clock.GetUtcNow() + lifetime);
    }
}

/// <summary>The JWKS could not be fetched and no keys are cached: a server-side problem, not the caller's.</summary>
public sealed class FirebaseKeysUnavailableException() : Exception("Firebase signing keys are unavailable.");

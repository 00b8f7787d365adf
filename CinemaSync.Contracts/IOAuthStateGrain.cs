namespace CinemaSync.Contracts;

/// <summary>
/// One pending OAuth <c>state</c> value (the grain key): the user who asked for it, the PKCE code
/// verifier of the round trip, and — once a browser opened the start link — that browser's binding
/// (a hash of its binding cookie). Single use and short-lived; a grain so that the start link and the
/// callback may land on any web node.
/// </summary>
[Alias("CinemaSync.IOAuthStateGrain")]
public interface IOAuthStateGrain : IGrainWithStringKey
{
    /// <summary>Records the state for <paramref name="userId"/> with its PKCE verifier; false if the value is already taken.</summary>
    [Alias("Begin")] Task<bool> BeginAsync(string userId, string codeVerifier, TimeSpan lifetime);

    /// <summary>
    /// Binds the state to the browser whose binding hash is <paramref name="browserBinding"/>: the first
    /// browser to claim it keeps it. Returns the PKCE code verifier when the state is (now or already)
    /// bound to this browser; null when it is unknown, expired or bound to another browser.
    /// </summary>
    [Alias("Claim")] Task<string?> ClaimAsync(string browserBinding);

    /// <summary>
    /// The round trip's user and code verifier when the state is known, unexpired and bound to
    /// <paramref name="browserBinding"/>; null otherwise. Consumes the state either way.
    /// </summary>
    [Alias("Consume")] Task<OAuthStateGrant?> ConsumeAsync(string browserBinding);
}

/// <summary>What a consumed OAuth state allows: link <see cref="UserId"/>'s account, proving the round trip with <see cref="CodeVerifier"/>.</summary>
[GenerateSerializer, Immutable, Alias("CinemaSync.OAuthStateGrant")]
public sealed record OAuthStateGrant([property: Id(0)] string UserId, [property: Id(1)] string CodeVerifier);

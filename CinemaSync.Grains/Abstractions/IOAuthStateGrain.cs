namespace CinemaSync.Grains.Abstractions;

/// <summary>
/// One pending OAuth <c>state</c> value (the grain key), bound to the user who asked for it.
/// Single use and short-lived; a grain so that the callback may land on any web node.
/// </summary>
[Alias("CinemaSync.IOAuthStateGrain")]
public interface IOAuthStateGrain : IGrainWithStringKey
{
    /// <summary>Records the state for <paramref name="userId"/>; false if the value is already taken.</summary>
    [Alias("Begin")] Task<bool> BeginAsync(string userId, TimeSpan lifetime);

    /// <summary>The user the state was issued to, or null when unknown, used or expired. Consumes it either way.</summary>
    [Alias("Consume")] Task<string?> ConsumeAsync();
}

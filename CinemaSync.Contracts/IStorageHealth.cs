namespace CinemaSync.Contracts;

/// <summary>
/// A health probe for a grain storage provider. Implementations perform a real write,
/// so a store that can be read but not written reports unhealthy.
/// </summary>
public interface IStorageHealth
{
    /// <summary>The kind of store: <c>"sqlite"</c> or <c>"mongodb"</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Writes a small health record. Returns <see langword="false"/> (never throws) when the
    /// store cannot be written; the cause is logged.
    /// </summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);
}

namespace CinemaSync.Contracts;

/// <summary>
/// The ASP.NET Core Data Protection key ring as XML elements, persisted in the grain store so that
/// every web node of a cluster protects and unprotects with the same keys. Key "default".
/// </summary>
[Alias("CinemaSync.IDataProtectionKeysGrain")]
public interface IDataProtectionKeysGrain : IGrainWithStringKey
{
    public const string DefaultKey = "default";

    [Alias("GetAll")] Task<IReadOnlyList<string>> GetAllAsync();

    /// <summary>Adds (or replaces, by <paramref name="friendlyName"/>) one key element.</summary>
    [Alias("Store")] Task StoreAsync(string friendlyName, string xml);
}

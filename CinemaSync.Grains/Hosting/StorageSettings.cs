using Microsoft.Extensions.Configuration;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// Where the grains persist, section <c>Storage</c>: MongoDB when <c>MONGODB_URI</c> is set (database
/// <c>MONGODB_DB_NAME</c>), else the embedded SQLite file under <c>CINEMASYNC_DATA_DIR</c>;
/// <c>Storage:Provider=memory</c> keeps everything in memory (tests only). The variable names win
/// over the keys <c>Storage:MongoUri</c>, <c>Storage:MongoDatabase</c> and <c>Storage:DataDirectory</c>.
/// </summary>
public sealed class StorageSettings : IValidatedSettings, ISettingsWithAliases
{
    public const string Section = "Storage";
    public const string MemoryProvider = "memory";

    /// <summary>Empty: MongoDB or SQLite as above; <see cref="MemoryProvider"/>: nothing survives a restart.</summary>
    public string Provider { get; set; } = "";

    public string MongoUri { get; set; } = "";
    public string MongoDatabase { get; set; } = MongoSettings.DefaultDatabase;
    public string DataDirectory { get; set; } = StorageDescription.DefaultDataDirectory;

    /// <summary>How long start-up waits for the MongoDB server to answer a ping.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The MongoDB settings when <c>MONGODB_URI</c> is set (validated).</summary>
    public MongoSettings? Mongo => MongoUri.Length > 0 ? new MongoSettings(MongoUri, MongoDatabase) : null;

    public bool InMemory => string.Equals(Provider.Trim(), MemoryProvider, StringComparison.OrdinalIgnoreCase);

    public void ReadAliases(IConfiguration configuration)
    {
        if (configuration["MONGODB_URI"] is { Length: > 0 } uri) MongoUri = uri;
        if (configuration["MONGODB_DB_NAME"] is { Length: > 0 } database) MongoDatabase = database;
        if (configuration["CINEMASYNC_DATA_DIR"] is { Length: > 0 } directory) DataDirectory = directory;
    }

    public IEnumerable<string> Problems()
    {
        if (Provider.Trim().Length > 0 && !InMemory)
            yield return $"{Section}:Provider must be '{MemoryProvider}' or unset (MONGODB_URI chooses MongoDB, else the embedded SQLite file), not '{Provider}'.";
        if (MongoUri.Length > 0 && ConnectionStrings.MongoProblem(MongoUri) is { } mongo) yield return mongo;
        if (MongoDatabase.Trim().Length == 0) yield return "MONGODB_DB_NAME must not be empty (default cinemasync).";
        if (DataDirectory.Trim().Length == 0) yield return "CINEMASYNC_DATA_DIR must not be empty (default ./data).";
        if (StartupTimeout <= TimeSpan.Zero) yield return $"{Section}:StartupTimeout must be positive, e.g. 00:00:05.";
    }
}

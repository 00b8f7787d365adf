using MongoDB.Driver;

namespace CinemaSync.Grains.Storage;

/// <summary>How the MongoDB engines (grain storage, room journal) reach their database.</summary>
internal static class MongoDatabases
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the missing setting.</summary>
    public static void Require(MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("MongoStorageOptions.ConnectionString (MONGODB_URI) must be set.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.DatabaseName))
            throw new ArgumentException("MongoStorageOptions.DatabaseName (MONGODB_DB_NAME) must be set.", nameof(options));
    }

    public static IMongoDatabase Open(MongoStorageOptions options)
    {
        var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        return new MongoClient(settings).GetDatabase(options.DatabaseName);
    }
}

namespace CinemaSync.Grains.Storage;

/// <summary>Options of <see cref="MongoGrainStorage"/>.</summary>
internal sealed class MongoStorageOptions
{
    /// <summary>The MongoDB connection string (<c>MONGODB_URI</c>), e.g. <c>mongodb://localhost:27017</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The database name (<c>MONGODB_DB_NAME</c>).</summary>
    public string DatabaseName { get; set; } = "cinemasync";

    /// <summary>
    /// Extra ascending indexes per collection (= state name), created once on first use.
    /// Every collection also gets an index on <c>updated_at</c>.
    /// </summary>
    public Dictionary<string, string[]> Indexes { get; set; } = new(StringComparer.Ordinal)
    {
        ["rooms"] = ["state.host_id", "state.is_active"],
    };

    /// <summary>How long the driver waits to find a usable server before an operation fails.</summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

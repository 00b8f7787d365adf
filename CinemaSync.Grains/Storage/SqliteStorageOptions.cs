namespace CinemaSync.Grains.Storage;

/// <summary>Options of <see cref="SqliteGrainStorage"/>.</summary>
internal sealed class SqliteStorageOptions
{
    /// <summary>The database file name inside <see cref="DataDirectory"/>.</summary>
    public const string FileName = "cinemasync.db";

    /// <summary>The data directory (<c>CINEMASYNC_DATA_DIR</c>, default <c>./data</c>); created if missing.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>How long a write waits for another connection or process holding the write lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), FileName);
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// What the writers of one database file in this process share (grain state and the room journal).
/// <para>
/// Writes take turns here, asynchronously. SQLite lets one writer in at a time; a second one
/// got SQLITE_BUSY and slept in SQLite's busy handler (1, 2, 5, 10… ms) holding its thread,
/// every write is synchronous underneath, and on a 2-core machine two such sleepers are the
/// whole thread pool: the process stalled (sync_time, which touches no grain, saw 380 ms p99
/// in the bench). Other processes sharing the file still meet the busy timeout.
/// </para>
/// <para>
/// Checkpoints run in the background. With SQLite's automatic checkpoint, the commit that
/// filled the WAL to 1,000 pages copied it into the database and synced the file, inside
/// that command's write and while holding the write lock. Now every 500 writes a PASSIVE
/// checkpoint runs off the write path. Durability is unchanged: a commit is in the WAL
/// before the write returns, and a WAL left behind by a crash is replayed on open.
/// </para>
/// </summary>
internal sealed class SqliteFileWriters
{
    private const int CheckpointEveryWrites = 500;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SqliteFileWriters> s_byPath = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _writesSinceCheckpoint;
    private int _checkpointing;

    /// <summary>The connection string every CinemaSync connection to <paramref name="options"/>' file uses.</summary>
    public static string ConnectionString(SqliteStorageOptions options, bool pooling = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            throw new ArgumentException("SqliteStorageOptions.DataDirectory must be set.", nameof(options));
        return new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    public static SqliteFileWriters For(string path) => s_byPath.GetOrAdd(Path.GetFullPath(path), _ => new SqliteFileWriters());

    public async ValueTask<Releaser> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Releaser(_gate);
    }

    /// <summary>Counts a commit; every so many, checkpoints the file in the background.</summary>
    public void WroteOne(string connectionString, ILogger logger)
    {
        if (Interlocked.Increment(ref _writesSinceCheckpoint) < CheckpointEveryWrites) return;
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0) return;
        Interlocked.Exchange(ref _writesSinceCheckpoint, 0);
        _ = Task.Run(async () =>
        {
            try
            {
                await CheckpointAsync(connectionString, logger);
            }
            finally
            {
                Volatile.Write(ref _checkpointing, 0);
            }
        });
    }

    /// <summary>Copies the WAL into the database file (PASSIVE: never waits for, nor blocks, writers).</summary>
    private static async Task CheckpointAsync(string connectionString, ILogger logger)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "SQLite: WAL checkpoint of {Path} failed; retrying after more writes", DataSourceOf(connectionString));
        }
    }

    private static string DataSourceOf(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;

    public readonly struct Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

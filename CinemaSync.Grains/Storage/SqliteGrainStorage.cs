using CinemaSync.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// Orleans grain storage on one SQLite file (<c>&lt;DataDirectory&gt;/cinemasync.db</c>) in WAL mode.
/// One table <c>grain_state</c> keyed by (state name, grain id) holds the etag, the state as
/// snake_case JSON and the time of the last write. Several silos (processes) may share the file.
/// </summary>
/// <remarks>
/// Every operation opens its own (pooled) connection. Each write is a single statement guarded
/// by the etag (<c>UPDATE … WHERE etag = @old</c>, <c>INSERT … ON CONFLICT DO NOTHING</c>), and
/// SQLite serializes writers, so of several concurrent writers holding the same etag exactly one wins.
/// </remarks>
internal sealed class SqliteGrainStorage : IGrainStorage, IStorageHealth, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly SqliteStorageOptions _options;
    private readonly ILogger<SqliteGrainStorage> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SqliteFileWriters _file;
    private volatile bool _initialized;

    public SqliteGrainStorage(string name, SqliteStorageOptions options, ILogger<SqliteGrainStorage> logger)
    {
        _connectionString = SqliteFileWriters.ConnectionString(options);
        _name = name;
        _options = options;
        _logger = logger;
        _file = SqliteFileWriters.For(options.DatabasePath);
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => _options.DatabasePath;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, state_json FROM grain_state WHERE state_name = $state AND grain_id = $grain;";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            var etag = reader.GetString(0);
            var json = reader.GetString(1);
            grainState.State = GrainStateJson.Deserialize<T>(json);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = GrainStateJson.CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var json = GrainStateJson.Serialize(grainState.State);
        var newEtag = NewEtag();
        var grain = grainId.ToString();
        using var _ = await _file.EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grain);
        command.Parameters.AddWithValue("$etag", newEtag);
        command.Parameters.AddWithValue("$json", json);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (grainState.ETag is null)
        {
            command.CommandText = """
                INSERT INTO grain_state (state_name, grain_id, etag, state_json, updated_at)
                VALUES ($state, $grain, $etag, $json, $now)
                ON CONFLICT (state_name, grain_id) DO NOTHING;
                """;
        }
        else
        {
            command.CommandText = """
                UPDATE grain_state SET etag = $etag, state_json = $json, updated_at = $now
                WHERE state_name = $state AND grain_id = $grain AND etag = $old;
                """;
            command.Parameters.AddWithValue("$old", grainState.ETag);
        }

        var rows = await command.ExecuteNonQueryAsync(cancellationToken);
        if (rows != 1)
        {
            var stored = await ReadEtagAsync(connection, stateName, grain, cancellationToken);
            throw Conflict("write", stateName, grainId, stored, grainState.ETag);
        }

        grainState.ETag = newEtag;
        grainState.RecordExists = true;
        _file.WroteOne(_connectionString, _logger);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var grain = grainId.ToString();
        using var _ = await _file.EnterWriteAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        if (grainState.ETag is null)
        {
            // Nothing was stored when this state was read; clearing succeeds unless someone wrote since.
            var stored = await ReadEtagAsync(connection, stateName, grain, cancellationToken);
            if (stored is not null)
                throw Conflict("clear", stateName, grainId, stored, null);
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain AND etag = $old;";
            command.Parameters.AddWithValue("$state", stateName);
            command.Parameters.AddWithValue("$grain", grain);
            command.Parameters.AddWithValue("$old", grainState.ETag);
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                var stored = await ReadEtagAsync(connection, stateName, grain, cancellationToken);
                throw Conflict("clear", stateName, grainId, stored, grainState.ETag);
            }
        }

        grainState.State = GrainStateJson.CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var _ = await _file.EnterWriteAsync(cancellationToken);
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO storage_health (id, checked_at) VALUES (1, $now)
                ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at;
                """;
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "SQLite grain storage {Name} at {Path} is not writable", _name, DatabasePath);
            return false;
        }
    }

    /// <summary>Creates the data directory, the database file and its schema (idempotent).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
            return;
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
                return;
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {BusyTimeoutMs};", cancellationToken);
            // journal_mode is persistent in the file; the other pragmas are set per connection in OpenAsync.
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS grain_state (
                    state_name TEXT NOT NULL,
                    grain_id   TEXT NOT NULL,
                    etag       TEXT NOT NULL,
                    state_json TEXT NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (state_name, grain_id)
                );
                CREATE INDEX IF NOT EXISTS ix_grain_state_updated_at ON grain_state (updated_at);
                CREATE TABLE IF NOT EXISTS storage_health (
                    id         INTEGER PRIMARY KEY,
                    checked_at INTEGER NOT NULL
                );
                """, cancellationToken);
            _initialized = true;
            _logger.LogInformation("SQLite grain storage {Name} uses {Path} (WAL)", _name, DatabasePath);
        }
        finally
        {
            _initLock.Release();
        }
    }

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(
            OptionFormattingUtilities.Name<SqliteGrainStorage>(_name),
            ServiceLifecycleStage.ApplicationServices,
            InitializeAsync);

    /// <summary>Native connections whose per-connection pragmas are set (weak: a closed one is collected).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> s_configured = new();
    private static readonly object s_marker = new();

    private int BusyTimeoutMs => (int)Math.Clamp(_options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Pragmas belong to the native connection, which the pool hands out again: set them the
            // first time a native connection is seen (parsing and running them on every open was
            // about a fifth of a room write's CPU on the bench machine).
            if (connection.Handle is { } handle && !s_configured.TryGetValue(handle, out _))
            {
                await ExecuteAsync(connection,
                    $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;", cancellationToken);
                s_configured.AddOrUpdate(handle, s_marker);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<string?> ReadEtagAsync(SqliteConnection connection, string stateName, string grain, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag FROM grain_state WHERE state_name = $state AND grain_id = $grain;";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$grain", grain);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? storedEtag, string? currentEtag)
        => new($"SQLite {operation} of state '{stateName}' for {grainId} rejected: stored etag '{storedEtag ?? "(none)"}', grain's etag '{currentEtag ?? "(none)"}'.",
            storedEtag ?? string.Empty, currentEtag ?? string.Empty);

    internal static string NewEtag() => Guid.NewGuid().ToString("N");
}

using System.Text;
using System.Threading.Channels;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The room journal on the SQLite file the grain state uses (<c>&lt;DataDirectory&gt;/cinemasync.db</c>):
/// <c>room_events</c> keyed by (room_id, seq) and <c>room_snapshots</c> keyed by room_id.
/// </summary>
/// <remarks>
/// Appends go through one writer connection with <c>synchronous = FULL</c>: a commit returns once
/// the WAL is fsynced. Appends of different rooms that wait while a commit is under way are written
/// together in the next transaction (group commit: one fsync for all of them), each inside its own
/// savepoint, so one refused append does not refuse the others. Reads use pooled connections.
/// </remarks>
internal sealed class SqliteJournalStore : IJournalStore, IAsyncDisposable
{
    /// <summary>Appends written in one transaction at most.</summary>
    public const int MaxGroupSize = 256;

    private const int SqliteConstraint = 19;
    private static readonly string LegacyStateName = StateNames.Room;

    private readonly SqliteStorageOptions _options;
    private readonly bool _fullSync;
    private readonly ILogger<SqliteJournalStore> _logger;
    private readonly string _readConnectionString;
    private readonly string _writeConnectionString;
    private readonly SqliteFileWriters _file;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private Task? _writerLoop;
    private SqliteConnection? _writer;
    private SqliteCommand? _insert;
    private bool _hasLegacyTable;
    private volatile bool _initialized;

    /// <param name="fullSync">
    /// <c>true</c> (the default, what the server uses): <c>synchronous = FULL</c>. <c>false</c> only
    /// for measuring what FULL costs (the bench): <c>NORMAL</c>, whose last commits a power loss can undo.
    /// </param>
    public SqliteJournalStore(SqliteStorageOptions options, ILogger<SqliteJournalStore> logger, bool fullSync = true)
    {
        _readConnectionString = SqliteFileWriters.ConnectionString(options);
        _writeConnectionString = SqliteFileWriters.ConnectionString(options, pooling: false);
        _options = options;
        _fullSync = fullSync;
        _logger = logger;
        _file = SqliteFileWriters.For(options.DatabasePath);
    }

    public string Name => "sqlite";

    public string DatabasePath => _options.DatabasePath;

    public async Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        JournalSnapshot? snapshot = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, type, payload FROM room_snapshots WHERE room_id = $room;";
            command.Parameters.AddWithValue("$room", roomId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
                snapshot = new JournalSnapshot(reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2));
        }

        if (snapshot is null && _hasLegacyTable)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT state_json FROM grain_state WHERE state_name = $state AND grain_id = $grain;";
            command.Parameters.AddWithValue("$state", LegacyStateName);
            command.Parameters.AddWithValue("$grain", LegacyGrainId(roomId));
            if (await command.ExecuteScalarAsync(cancellationToken) is string json)
                snapshot = new JournalSnapshot(0, JournalSnapshot.LegacyType, Encoding.UTF8.GetBytes(json));
        }

        var events = await ReadEventsAsync(connection, roomId, snapshot?.Seq ?? 0, int.MaxValue, cancellationToken);
        return new JournalLoad(snapshot, events);
    }

    public async Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
    {
        append.Validate();
        await InitializeAsync(cancellationToken);
        var pending = new PendingAppend(roomId, append);
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(SqliteJournalStore));
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await ReadEventsAsync(connection, roomId, afterSeq, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, type, payload FROM room_events WHERE room_id = $room AND type = $type ORDER BY seq DESC LIMIT $limit;";
        command.Parameters.AddWithValue("$room", roomId);
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$limit", count);
        var events = await ReadAllAsync(command, cancellationToken);
        events.Reverse();
        return events;
    }

    /// <summary>Creates the file and the journal tables (idempotent) and starts the writer.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized) return;
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized) return;
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            _writer = await OpenWriterAsync(cancellationToken);
            await using (var command = _writer.CreateCommand())
            {
                command.CommandText = """
                    CREATE TABLE IF NOT EXISTS room_events (
                        room_id    TEXT    NOT NULL,
                        seq        INTEGER NOT NULL,
                        type       TEXT    NOT NULL,
                        payload    BLOB    NOT NULL,
                        written_at INTEGER NOT NULL,
                        PRIMARY KEY (room_id, seq)
                    ) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS room_snapshots (
                        room_id    TEXT    NOT NULL PRIMARY KEY,
                        seq        INTEGER NOT NULL,
                        type       TEXT    NOT NULL,
                        payload    BLOB    NOT NULL,
                        written_at INTEGER NOT NULL
                    );
                    SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'grain_state';
                    """;
                _hasLegacyTable = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
            }
            _writerLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
            _initialized = true;
            _logger.LogInformation("SQLite room journal uses {Path} (WAL, synchronous={Sync})", DatabasePath, _fullSync ? "FULL" : "NORMAL");
        }
        finally
        {
            _initLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writerLoop is not null) await _writerLoop;
        await DropWriterAsync();
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_writeConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var busyMs = (int)Math.Clamp(_options.BusyTimeout.TotalMilliseconds, 0, int.MaxValue);
        command.CommandText = $"PRAGMA busy_timeout = {busyMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {(_fullSync ? "FULL" : "NORMAL")}; PRAGMA wal_autocheckpoint = 0;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task<SqliteConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<IReadOnlyList<JournalEvent>> ReadEventsAsync(SqliteConnection connection, string roomId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, type, payload FROM room_events WHERE room_id = $room AND seq > $after ORDER BY seq LIMIT $limit;";
        command.Parameters.AddWithValue("$room", roomId);
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    private static async Task<List<JournalEvent>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var events = new List<JournalEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            events.Add(new JournalEvent(reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        return events;
    }

    private static string LegacyGrainId(string roomId) => GrainId.Create("room", roomId).ToString();

    /// <summary>Takes what is queued (at most <see cref="MaxGroupSize"/>) and commits it in one transaction, until disposed.</summary>
    private async Task WriteLoopAsync()
    {
        var group = new List<PendingAppend>(MaxGroupSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            using (await _file.EnterWriteAsync(CancellationToken.None))
            {
                while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var pending))
                    group.Add(pending);
                await CommitGroupAsync(group);
            }
            _file.WroteOne(_readConnectionString, _logger);
            group.Clear();
        }
    }

    private async Task CommitGroupAsync(List<PendingAppend> group)
    {
        var outcomes = new Exception?[group.Count];
        try
        {
            _writer ??= await OpenWriterAsync(CancellationToken.None);
            await using var transaction = _writer.BeginTransaction();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (group.Count == 1)
            {
                // Alone in its transaction: the transaction is the append's own unit, no savepoint needed.
                try
                {
                    await WriteOneAsync(transaction, group[0], now);
                }
                catch (Exception ex)
                {
                    outcomes[0] = Refusal(group[0], ex);
                }
                if (outcomes[0] is null) await transaction.CommitAsync();
                else await transaction.RollbackAsync();
            }
            else
            {
                for (var i = 0; i < group.Count; i++)
                {
                    var savepoint = "a" + i;
                    transaction.Save(savepoint);
                    try
                    {
                        await WriteOneAsync(transaction, group[i], now);
                        transaction.Release(savepoint);
                    }
                    catch (Exception ex)
                    {
                        transaction.Rollback(savepoint);
                        transaction.Release(savepoint);
                        outcomes[i] = Refusal(group[i], ex);
                    }
                }
                await transaction.CommitAsync();
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "SQLite room journal: a commit of {Count} appends failed", group.Count);
            await DropWriterAsync();
            for (var i = 0; i < group.Count; i++) outcomes[i] ??= ex;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (outcomes[i] is { } error) group[i].Done.TrySetException(error);
            else group[i].Done.TrySetResult();
        }
    }

    private static Exception Refusal(PendingAppend pending, Exception ex) => ex is SqliteException { SqliteErrorCode: SqliteConstraint }
        ? new JournalConflictException(pending.RoomId, pending.Append.FirstSeq, ex)
        : ex;

    private async Task DropWriterAsync()
    {
        if (_insert is not null) await _insert.DisposeAsync();
        if (_writer is not null) await _writer.DisposeAsync();
        (_insert, _writer) = (null, null);
    }

    /// <summary>The event insert, prepared once per writer connection (SQLite keeps the compiled statement with the command).</summary>
    private SqliteCommand Insert(SqliteTransaction transaction)
    {
        if (_insert is null)
        {
            _insert = transaction.Connection!.CreateCommand();
            _insert.CommandText = "INSERT INTO room_events (room_id, seq, type, payload, written_at) VALUES ($room, $seq, $type, $payload, $now);";
            _insert.Parameters.Add("$room", SqliteType.Text);
            _insert.Parameters.Add("$now", SqliteType.Integer);
            _insert.Parameters.Add("$seq", SqliteType.Integer);
            _insert.Parameters.Add("$type", SqliteType.Text);
            _insert.Parameters.Add("$payload", SqliteType.Blob);
        }
        _insert.Transaction = transaction;
        return _insert;
    }

    private async Task WriteOneAsync(SqliteTransaction transaction, PendingAppend pending, long now)
    {
        var (roomId, append) = (pending.RoomId, pending.Append);
        if (append.Events.Count == 0 && await IsPastAsync(transaction, roomId, append.Create ? -1 : append.Snapshot!.Seq))
            throw new JournalConflictException(roomId, append.Snapshot!.Seq);

        if (append.Events.Count > 0)
        {
            var insert = Insert(transaction);
            var p = insert.Parameters;
            (p[0].Value, p[1].Value) = (roomId, now);
            foreach (var e in append.Events)
            {
                (p[2].Value, p[3].Value, p[4].Value) = (e.Seq, e.Type, e.Payload);
                await insert.ExecuteNonQueryAsync();
            }
        }

        if (append.Snapshot is { } snapshot)
        {
            await using var upsert = Command(transaction, """
                INSERT INTO room_snapshots (room_id, seq, type, payload, written_at) VALUES ($room, $seq, $type, $payload, $now)
                ON CONFLICT (room_id) DO UPDATE SET seq = excluded.seq, type = excluded.type, payload = excluded.payload, written_at = excluded.written_at
                WHERE excluded.seq >= room_snapshots.seq;
                """);
            upsert.Parameters.AddWithValue("$room", roomId);
            upsert.Parameters.AddWithValue("$seq", snapshot.Seq);
            upsert.Parameters.AddWithValue("$type", snapshot.Type);
            upsert.Parameters.AddWithValue("$payload", snapshot.Payload);
            upsert.Parameters.AddWithValue("$now", now);
            await upsert.ExecuteNonQueryAsync();
            if (_hasLegacyTable)
            {
                // The room's whole-state document from before the journal: the snapshot replaces it.
                await using var convert = Command(transaction, "DELETE FROM grain_state WHERE state_name = $state AND grain_id = $grain;");
                convert.Parameters.AddWithValue("$state", LegacyStateName);
                convert.Parameters.AddWithValue("$grain", LegacyGrainId(roomId));
                await convert.ExecuteNonQueryAsync();
            }
        }

        if (append.TrimThrough > 0)
        {
            await using var trim = Command(transaction, "DELETE FROM room_events WHERE room_id = $room AND seq <= $through;");
            trim.Parameters.AddWithValue("$room", roomId);
            trim.Parameters.AddWithValue("$through", append.TrimThrough);
            await trim.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Whether the room has a snapshot or an event after <paramref name="seq"/> (-1: whether it exists, a legacy document included).</summary>
    private async Task<bool> IsPastAsync(SqliteTransaction transaction, string roomId, long seq)
    {
        await using var command = Command(transaction, """
            SELECT EXISTS (SELECT 1 FROM room_snapshots WHERE room_id = $room AND seq > $seq)
                OR EXISTS (SELECT 1 FROM room_events WHERE room_id = $room AND seq > $seq);
            """);
        command.Parameters.AddWithValue("$room", roomId);
        command.Parameters.AddWithValue("$seq", seq);
        if (Convert.ToInt64(await command.ExecuteScalarAsync()) != 0) return true;
        if (seq >= 0 || !_hasLegacyTable) return false;
        await using var legacy = Command(transaction, "SELECT EXISTS (SELECT 1 FROM grain_state WHERE state_name = $state AND grain_id = $grain);");
        legacy.Parameters.AddWithValue("$state", LegacyStateName);
        legacy.Parameters.AddWithValue("$grain", LegacyGrainId(roomId));
        return Convert.ToInt64(await legacy.ExecuteScalarAsync()) != 0;
    }

    private static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private sealed record PendingAppend(string RoomId, JournalAppend Append)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

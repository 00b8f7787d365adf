using CinemaSync.Contracts;
using CinemaSync.Grains.Storage;
using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CinemaSync.Tests.Storage;

/// <summary>The storage contract on SQLite, each test on a fresh temporary data directory.</summary>
public sealed class SqliteGrainStorageTests : StorageContractTests
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cinemasync-storage-tests", Guid.NewGuid().ToString("N"));

    protected override IGrainStorage CreateStorage() => Create(_dataDirectory);

    protected override async Task InsertRawAsync(string stateName, GrainId grainId, string etag, string stateJson)
    {
        // Let the provider create the schema, then write the row the way an older version would have.
        await Create(_dataDirectory).InitializeAsync();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, SqliteStorageOptions.FileName)}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO grain_state (state_name, grain_id, etag, state_json, updated_at) VALUES ($s, $g, $e, $j, 0);";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$e", etag);
        command.Parameters.AddWithValue("$j", stateJson);
        await command.ExecuteNonQueryAsync();
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        var root = Path.GetDirectoryName(_dataDirectory)!;
        RestoreWritable(_dataDirectory);
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);

        if (Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
            Directory.Delete(root);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_CreatesWalDatabase_WhenDataDirectoryIsMissing()
    {
        var storage = Create(_dataDirectory);

        await storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(new ContractState { Name = "x" }));

        var file = Path.Combine(_dataDirectory, "cinemasync.db");
        Assert.Equal(file, storage.DatabasePath);
        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "SELECT state_name || '|' || grain_id || '|' || json_extract(state_json, '$.name') || '|' || (updated_at > 0) FROM grain_state;";
        Assert.Equal("rooms|room/abc123|x|1", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task IsHealthyAsync_ReturnsFalse_WhenDataDirectoryCannotBeCreated()
    {
        // A path under a regular file can never become a directory, even for root.
        Directory.CreateDirectory(_dataDirectory);
        var blocker = Path.Combine(_dataDirectory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var storage = Create(Path.Combine(blocker, "data"));

        Assert.False(await storage.IsHealthyAsync());
    }

    [Fact]
    public async Task WriteStateAsync_Throws_WhenDataDirectoryCannotBeCreated()
    {
        Directory.CreateDirectory(_dataDirectory);
        var blocker = Path.Combine(_dataDirectory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        var storage = Create(Path.Combine(blocker, "data"));

        var ex = await Record.ExceptionAsync(() => storage.WriteStateAsync(StateName, RoomId, new ContractGrainState(new ContractState())));

        Assert.IsAssignableFrom<IOException>(ex);
    }

    [NotRootFact]
    [UnsupportedOSPlatform("windows")]
    public async Task IsHealthyAsync_ReturnsFalse_WhenDatabaseFileIsReadOnly()
    {
        var storage = Create(_dataDirectory);
        Assert.True(await storage.IsHealthyAsync());
        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(storage.DatabasePath, UnixFileMode.UserRead);
        File.SetUnixFileMode(_dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        Assert.False(await Create(_dataDirectory).IsHealthyAsync());
    }

    [Fact]
    public async Task IsHealthyAsync_ReturnsFalse_WhenDatabaseFileIsNotADatabase()
    {
        Directory.CreateDirectory(_dataDirectory);
        await File.WriteAllTextAsync(Path.Combine(_dataDirectory, SqliteStorageOptions.FileName), new string('x', 8192));

        Assert.False(await Create(_dataDirectory).IsHealthyAsync());
    }

    [Fact]
    public void Name_IsSqlite_WhenAskedForHealthName()
        => Assert.Equal("sqlite", ((IStorageHealth)Create(_dataDirectory)).Name);

    private static SqliteGrainStorage Create(string dataDirectory)
        => new("sqlite-test", new SqliteStorageOptions { DataDirectory = dataDirectory }, NullLogger<SqliteGrainStorage>.Instance);

    private static void RestoreWritable(string dir)
    {
        if (!Directory.Exists(dir) || !OperatingSystem.IsLinux())
            return;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.EnumerateFiles(dir))
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

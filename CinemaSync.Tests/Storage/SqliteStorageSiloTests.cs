using CinemaSync.Contracts;
using CinemaSync.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CinemaSync.Tests.Storage;

/// <summary>The SQLite provider registered in a real (test) silo, used by a grain through <c>[PersistentState]</c>.</summary>
public sealed class SqliteStorageSiloTests : IAsyncLifetime
{
    private const string DataDirectoryKey = "CinemaSyncTests:SqliteDataDirectory";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "cinemasync-silo-tests", Guid.NewGuid().ToString("N"));
    private TestCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
        var root = Path.GetDirectoryName(_dataDirectory)!;
        if (Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
            Directory.Delete(root);
    }

    [Fact]
    public async Task ReadState_ReturnsWrittenValue_WhenGrainIsReactivated()
    {
        _cluster = await StartClusterAsync();
        var grain = _cluster.GrainFactory.GetGrain<IStorageProbeGrain>("room-42");

        var before = await grain.GetAsync();
        await grain.SetAsync("paused at 42 s — ⏸️");
        var written = await grain.GetAsync();
        await grain.DeactivateAsync();
        var after = await grain.GetAsync();

        Assert.False(before.RecordExists);
        Assert.Equal(written.ActivationInstance, before.ActivationInstance);
        Assert.NotEqual(written.ActivationInstance, after.ActivationInstance);
        Assert.True(after.RecordExists);
        Assert.Equal("paused at 42 s — ⏸️", after.Value);
        Assert.Equal(1, after.Writes);
    }

    [Fact]
    public async Task ReadState_ReturnsWrittenValue_WhenClusterIsRestartedOnSameDataDirectory()
    {
        _cluster = await StartClusterAsync();
        await _cluster.GrainFactory.GetGrain<IStorageProbeGrain>("room-7").SetAsync("first life");
        await _cluster.GrainFactory.GetGrain<IStorageProbeGrain>("room-7").SetAsync("second write");
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        _cluster = null;
        SqliteConnection.ClearAllPools();

        _cluster = await StartClusterAsync();
        var after = await _cluster.GrainFactory.GetGrain<IStorageProbeGrain>("room-7").GetAsync();

        Assert.True(after.RecordExists);
        Assert.Equal("second write", after.Value);
        Assert.Equal(2, after.Writes);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, SqliteStorageOptions.FileName)));
    }

    [Fact]
    public async Task Health_IsResolvableByStorageName_WhenProviderIsRegistered()
    {
        _cluster = await StartClusterAsync();
        var services = Assert.IsType<InProcessSiloHandle>(_cluster.Primary).SiloHost.Services;

        var keyed = services.GetRequiredKeyedService<IStorageHealth>(StorageProbeGrain.StorageName);
        var all = services.GetServices<IStorageHealth>().ToList();

        Assert.Same(services.GetRequiredKeyedService<IGrainStorage>(StorageProbeGrain.StorageName), keyed);
        Assert.Same(keyed, Assert.Single(all));
        Assert.Equal("sqlite", keyed.Name);
        Assert.True(await keyed.IsHealthyAsync());
    }

    private async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties[DataDirectoryKey] = _dataDirectory;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var dataDirectory = siloBuilder.Configuration[DataDirectoryKey]
                ?? throw new InvalidOperationException($"{DataDirectoryKey} is not configured.");
            siloBuilder.AddCinemaSyncSqliteStorage(StorageProbeGrain.StorageName, o => o.DataDirectory = dataDirectory);
        }
    }
}

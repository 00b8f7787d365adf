using CinemaSync.Grains.Hosting;
using Orleans.TestingHost;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// A TestingHost cluster of three silos sharing one SQLite store in a temp directory, so state
/// outlives the silo that wrote it (memory storage would die with its silo).
/// </summary>
public sealed class ThreeSiloCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("cinemasync-3silo-").FullName;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 3);
        builder.Properties["CINEMASYNC_DATA_DIR"] = DataDirectory;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await Cluster.WaitForLivenessToStabilizeAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddCinemaSyncGrains(silo.Configuration);
    }
}

using CinemaSync.Grains.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Storage;

/// <summary>Registers the one <see cref="IJournalStore"/> a silo's rooms append to.</summary>
internal static class JournalServiceCollectionExtensions
{
    /// <summary>The journal on the SQLite file of the grain storage (same data directory).</summary>
    public static IServiceCollection AddCinemaSyncSqliteJournal(this IServiceCollection services, SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSingleton<IJournalStore>(sp => new SqliteJournalStore(options, sp.GetRequiredService<ILogger<SqliteJournalStore>>()));
    }

    /// <summary>The journal on the MongoDB database of the grain storage.</summary>
    public static IServiceCollection AddCinemaSyncMongoJournal(this IServiceCollection services, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddSingleton<IJournalStore>(sp => new MongoJournalStore(options, sp.GetRequiredService<ILogger<MongoJournalStore>>()));
    }

    /// <summary>The journal in memory, one grain per room, shared by the cluster's silos (tests: nothing survives a restart).</summary>
    public static IServiceCollection AddCinemaSyncMemoryJournal(this IServiceCollection services)
        => services.AddSingleton<IJournalStore, GrainMemoryJournalStore>();
}

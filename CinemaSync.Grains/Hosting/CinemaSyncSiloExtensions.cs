using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using CinemaSync.Grains.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CinemaSync.Grains.Hosting;

public static class CinemaSyncSiloExtensions
{
    /// <summary>Everything a silo needs to host CinemaSync's grains, storage included.</summary>
    public static ISiloBuilder AddCinemaSyncGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddValidatedSettings<RoomGrainOptions>(configuration, RoomGrainOptions.Section);
        silo.Services.AddValidatedSettings<UserGrainOptions>(configuration, UserGrainOptions.Section);
        silo.Services.AddValidatedSettings<RoomJournalOptions>(configuration, RoomJournalOptions.Section);
        // A web node co-hosting this silo finds it here and registers its room observers in it.
        silo.Services.TryAddSingleton<LocalRoomObservers>();
        // A hub call, the grain call it makes and the storage write appear as one trace, when traces
        // are exported: otherwise the propagation filters only add a filter pipeline to every grain call.
        if (!string.IsNullOrWhiteSpace(configuration[SharedTelemetry.OtlpEndpointVariable])) silo.AddActivityPropagation();
        silo.AddCinemaSyncStorage(configuration);
        return silo;
    }

    /// <summary>
    /// The grain storage behind <see cref="StorageNames.Default"/>, as <see cref="StorageSettings"/> say.
    /// Before the host starts, the data directory must be writable, or the MongoDB server must answer
    /// a ping within <c>Storage:StartupTimeout</c>.
    /// </summary>
    public static ISiloBuilder AddCinemaSyncStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = configuration.ReadValidatedSettings<StorageSettings>(StorageSettings.Section);
        var description = StorageDescription.From(settings);
        switch (description.Name)
        {
            case StorageDescription.Mongo:
                var mongo = settings.Mongo!;
                silo.AddCinemaSyncMongoStorage(StorageNames.Default, o =>
                {
                    o.ConnectionString = mongo.Connection;
                    o.DatabaseName = mongo.Database;
                });
                silo.Services.AddCinemaSyncMongoJournal(new MongoStorageOptions
                {
                    ConnectionString = mongo.Connection,
                    DatabaseName = mongo.Database,
                });
                silo.Services.AddSingleton<IStartupCheck>(new MongoReachableCheck(mongo, settings.StartupTimeout));
                break;
            case StorageDescription.Sqlite:
                silo.AddCinemaSyncSqliteStorage(StorageNames.Default, o => o.DataDirectory = description.Location);
                silo.Services.AddCinemaSyncSqliteJournal(new SqliteStorageOptions { DataDirectory = description.Location });
                silo.Services.AddSingleton<IStartupCheck>(new DataDirectoryCheck(description.Location));
                break;
            default:
                silo.AddMemoryGrainStorage(StorageNames.Default);
                silo.Services.AddCinemaSyncMemoryJournal();
                break;
        }
        silo.Services.TryAddSingleton(settings);
        silo.Services.TryAddSingleton(description);
        return silo;
    }
}

/// <summary>Which store the grains persist to, for the start-up log and <c>/api/health</c> (never with credentials).</summary>
public sealed record StorageDescription(string Name, string Location)
{
    public const string Sqlite = "sqlite";
    public const string Mongo = "mongodb";
    public const string Memory = "memory";
    public const string DefaultDataDirectory = "./data";

    public static StorageDescription From(StorageSettings settings)
    {
        if (settings.Mongo is { } mongo) return new(Mongo, mongo.ToString());
        if (settings.InMemory) return new(Memory, "process memory");
        return new(Sqlite, Path.GetFullPath(settings.DataDirectory));
    }

    public override string ToString() => Name switch
    {
        Sqlite => $"SQLite (embedded) at {Path.Combine(Location, SqliteStorageOptions.FileName)}",
        Mongo => $"MongoDB at {Location}",
        _ => "memory (nothing survives a restart)",
    };
}

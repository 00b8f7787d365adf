using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;
using CinemaSync.Grains.Users;
using MongoDB.Driver;
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
        // A hub call, the grain call it makes and the storage write appear as one trace.
        silo.AddActivityPropagation();
        silo.AddCinemaSyncStorage(configuration);
        return silo;
    }

    /// <summary>
    /// The grain storage behind <see cref="StorageNames.Default"/>: MongoDB when <c>MONGODB_URI</c>
    /// is set, else the embedded SQLite file under <c>CINEMASYNC_DATA_DIR</c> (default <c>./data</c>,
    /// relative to the working directory). <c>Storage:Provider=memory</c> keeps everything in memory
    /// (tests only: nothing survives a restart). Before the host starts, the data directory must be
    /// writable, or the MongoDB server must answer a ping within <c>Storage:StartupTimeout</c> (5 s).
    /// </summary>
    public static ISiloBuilder AddCinemaSyncStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        var description = StorageDescription.From(configuration);
        var startupTimeout = configuration.GetValue("Storage:StartupTimeout", TimeSpan.FromSeconds(5));
        if (startupTimeout <= TimeSpan.Zero) throw new SettingException("Storage:StartupTimeout must be positive, e.g. 00:00:05.");
        switch (description.Name)
        {
            case StorageDescription.Mongo:
                silo.AddCinemaSyncMongoStorage(StorageNames.Default, o =>
                {
                    o.ConnectionString = description.MongoSettings!.Connection;
                    o.DatabaseName = description.MongoSettings!.Database;
                });
                silo.Services.AddCinemaSyncMongoJournal(new MongoStorageOptions
                {
                    ConnectionString = description.MongoSettings!.Connection,
                    DatabaseName = description.MongoSettings!.Database,
                });
                silo.Services.AddSingleton<IStartupCheck>(new MongoReachableCheck(description.MongoSettings!, startupTimeout));
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

    /// <summary>The MongoDB settings (credentials included): for the driver only, never printed.</summary>
    public MongoSettings? MongoSettings { get; private init; }

    public static StorageDescription From(IConfiguration configuration)
    {
        if (MongoSettings.From(configuration) is { } mongo)
            return new(Mongo, mongo.ToString()) { MongoSettings = mongo };
        if (string.Equals(configuration["Storage:Provider"], Memory, StringComparison.OrdinalIgnoreCase))
            return new(Memory, "process memory");
        var dataDir = configuration["CINEMASYNC_DATA_DIR"] is { Length: > 0 } dir ? dir : DefaultDataDirectory;
        return new(Sqlite, Path.GetFullPath(dataDir));
    }

    public override string ToString() => Name switch
    {
        Sqlite => $"SQLite (embedded) at {Path.Combine(Location, SqliteStorageOptions.FileName)}",
        Mongo => $"MongoDB at {Location}",
        _ => "memory (nothing survives a restart)",
    };
}

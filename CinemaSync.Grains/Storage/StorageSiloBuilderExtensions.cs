using CinemaSync.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace CinemaSync.Grains.Storage;

/// <summary>Registers the CinemaSync grain storage providers under a storage name.</summary>
internal static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="SqliteGrainStorage"/> as the grain storage named <paramref name="name"/>,
    /// also resolvable as a keyed <see cref="IStorageHealth"/> and among <c>IEnumerable&lt;IStorageHealth&gt;</c>.
    /// </summary>
    public static ISiloBuilder AddCinemaSyncSqliteStorage(this ISiloBuilder builder, string name, Action<SqliteStorageOptions> configure)
    {
        builder.Services.AddCinemaSyncSqliteStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddCinemaSyncSqliteStorage(ISiloBuilder, string, Action{SqliteStorageOptions})"/>
    public static IServiceCollection AddCinemaSyncSqliteStorage(this IServiceCollection services, string name, Action<SqliteStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SqliteStorageOptions>(name)
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "SqliteStorageOptions.DataDirectory must be set.");
        services.AddGrainStorage(name, static (sp, n) => new SqliteGrainStorage(
            n,
            sp.GetRequiredService<IOptionsMonitor<SqliteStorageOptions>>().Get(n),
            sp.GetRequiredService<ILogger<SqliteGrainStorage>>()));
        AddHealth(services, name);
        return services;
    }

    /// <summary>
    /// Adds <see cref="MongoGrainStorage"/> as the grain storage named <paramref name="name"/>,
    /// also resolvable as a keyed <see cref="IStorageHealth"/> and among <c>IEnumerable&lt;IStorageHealth&gt;</c>.
    /// </summary>
    public static ISiloBuilder AddCinemaSyncMongoStorage(this ISiloBuilder builder, string name, Action<MongoStorageOptions> configure)
    {
        builder.Services.AddCinemaSyncMongoStorage(name, configure);
        return builder;
    }

    /// <inheritdoc cref="AddCinemaSyncMongoStorage(ISiloBuilder, string, Action{MongoStorageOptions})"/>
    public static IServiceCollection AddCinemaSyncMongoStorage(this IServiceCollection services, string name, Action<MongoStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MongoStorageOptions>(name)
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "MongoStorageOptions.ConnectionString (MONGODB_URI) must be set.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabaseName), "MongoStorageOptions.DatabaseName (MONGODB_DB_NAME) must be set.");
        services.AddGrainStorage(name, static (sp, n) => new MongoGrainStorage(
            n,
            sp.GetRequiredService<IOptionsMonitor<MongoStorageOptions>>().Get(n),
            sp.GetRequiredService<ILogger<MongoGrainStorage>>()));
        AddHealth(services, name);
        return services;
    }

    private static void AddHealth(IServiceCollection services, string name)
    {
        services.AddKeyedSingleton<IStorageHealth>(name, static (sp, key) =>
            (IStorageHealth)sp.GetRequiredKeyedService<IGrainStorage>(key));
        services.AddSingleton<IStorageHealth>(sp => sp.GetRequiredKeyedService<IStorageHealth>(name));
    }
}

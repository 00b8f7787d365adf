using CinemaSync.Grains.Abstractions;
using CinemaSync.Grains.Rooms;
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
        silo.Services.AddOptions<RoomGrainOptions>().Bind(configuration.GetSection("Rooms"));
        silo.AddCinemaSyncStorage(configuration);
        return silo;
    }

    /// <summary>The grain storage behind <see cref="StorageNames.Default"/>.</summary>
    public static ISiloBuilder AddCinemaSyncStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddMemoryGrainStorage(StorageNames.Default);
        silo.Services.TryAddSingleton(new StorageDescription("memory"));
        return silo;
    }
}

/// <summary>Which store the grains persist to, for logs and <c>/api/health</c>.</summary>
public sealed record StorageDescription(string Name);

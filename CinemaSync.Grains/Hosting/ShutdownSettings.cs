using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// How long a stopping process (web node or silo) drains: <c>Shutdown:DrainTime</c>, default 30 s.
/// The silo's former name for it, <c>Orleans:ShutdownTimeout</c>, stops start-up with a line naming
/// <c>Shutdown:DrainTime</c>, so a value set under the old name is never silently ignored.
/// </summary>
public sealed class ShutdownSettings : IValidatedSettings, ISettingsWithAliases
{
    public const string Section = "Shutdown";
    public const string RetiredKey = "Orleans:ShutdownTimeout";

    public TimeSpan DrainTime { get; set; } = TimeSpan.FromSeconds(30);

    private string? _retired;

    public void ReadAliases(IConfiguration configuration) => _retired = configuration[RetiredKey];

    public IEnumerable<string> Problems()
    {
        if (_retired is not null)
            yield return $"{RetiredKey} is no longer read: set {Section}:DrainTime instead (same format, e.g. 00:00:30), and remove {RetiredKey}.";
        if (DrainTime < TimeSpan.Zero) yield return $"{Section}:DrainTime must not be negative, e.g. 00:00:30.";
    }

    /// <summary>Binds the settings and makes them the host's shutdown timeout.</summary>
    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedSettings<ShutdownSettings>(configuration, Section);
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownSettings>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.DrainTime);
    }
}

using CinemaSync.Grains.Hosting;

namespace CinemaSync.Silo;

/// <summary>
/// The stand-alone silo's Orleans Dashboard: <c>Orleans:Dashboard</c> (default <c>true</c>;
/// <c>false</c> serves no HTTP at all), <c>Orleans:DashboardPort</c> (8080), <c>Orleans:DashboardHost</c> (127.0.0.1).
/// </summary>
public sealed class DashboardSettings : IValidatedSettings
{
    public const string Section = ClusterSettings.Section;

    public bool Dashboard { get; set; } = true;
    public int DashboardPort { get; set; } = 8080;
    public string DashboardHost { get; set; } = "127.0.0.1";

    public string Url => $"http://{DashboardHost}:{DashboardPort}";

    public IEnumerable<string> Problems()
    {
        if (DashboardPort is < 1 or > 65535) yield return $"{Section}:DashboardPort must be a port number (1-65535), not '{DashboardPort}'.";
        if (DashboardHost.Trim().Length == 0) yield return $"{Section}:DashboardHost must not be empty, e.g. 127.0.0.1 or 0.0.0.0.";
    }
}

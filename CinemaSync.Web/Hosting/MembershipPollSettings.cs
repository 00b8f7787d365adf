using CinemaSync.Grains.Hosting;

namespace CinemaSync.Web.Hosting;

/// <summary>Client mode: how often the node asks the cluster for its active silos (<c>Realtime:MembershipPollInterval</c>).</summary>
public sealed class MembershipPollSettings : IValidatedSettings
{
    public const string Section = "Realtime";

    public TimeSpan MembershipPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (MembershipPollInterval <= TimeSpan.Zero) yield return $"{Section}:MembershipPollInterval must be positive, e.g. 00:00:01.";
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace CinemaSync.Web.Observability;

/// <summary>
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: when set, metrics and traces are also pushed over OTLP (the
/// OpenTelemetry exporter reads the variable itself; this decides whether it is added, and checks it).
/// </summary>
public sealed class TelemetrySettings : IValidatedSettings, ISettingsWithAliases
{
    public const string Section = "Telemetry";
    public const string OtlpEndpointVariable = SharedTelemetry.OtlpEndpointVariable;

    public string OtlpEndpoint { get; private set; } = "";

    public bool ExportsOtlp => OtlpEndpoint.Length > 0;

    public void ReadAliases(IConfiguration configuration) => OtlpEndpoint = configuration[OtlpEndpointVariable]?.Trim() ?? "";

    public IEnumerable<string> Problems()
    {
        if (ExportsOtlp && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            yield return $"{OtlpEndpointVariable} must be an absolute http(s) URL such as http://127.0.0.1:4317, not '{OtlpEndpoint}'.";
    }
}

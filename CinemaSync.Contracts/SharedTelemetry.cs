using System.Diagnostics.Metrics;

namespace CinemaSync.Contracts;

/// <summary>
/// What the telemetry of silos and web nodes shares: the name CinemaSync's meters and activity source
/// are exported under, one meter for the instruments of each side, and the clock of
/// <see cref="RoomMessage.PublishedAt"/> (a grain stamps it, a web node measures the fan-out from it).
/// </summary>
public static class SharedTelemetry
{
    public const string Name = "CinemaSync";

    public static readonly Meter Meter = new(Name);

    /// <summary>Where metrics and traces are pushed over OTLP; traces are recorded and propagated only when it is set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Server time in ticks, comparable across the processes of a cluster (wall clock).</summary>
    public static long NowTicks => DateTime.UtcNow.Ticks;
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CinemaSync.Web.Observability;

public static class TelemetrySetup
{
    /// <summary>Fan-out and storage writes take fractions of a millisecond: the default buckets start at 5 ms.</summary>
    private static readonly double[] MillisecondBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

    /// <summary>
    /// Metrics (CinemaSync's, Orleans', ASP.NET Core's, the runtime's) scraped at <c>/metrics</c>,
    /// and traces across the hub → grain → storage hop; both also go to OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Traces are only recorded then: a tracer without an
    /// exporter still creates and fills an activity per hub call, grain call (room events to each
    /// node included) and write, which cost more CPU than the fan-out to the room's members.
    /// </summary>
    public static WebApplicationBuilder AddCinemaSyncTelemetry(this WebApplicationBuilder builder)
    {
        // Decided while the host is built: the exporters are chosen at registration.
        var otlp = builder.Configuration.ReadValidatedSettings<TelemetrySettings>(TelemetrySettings.Section).ExportsOtlp;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cinemasync-web", serviceVersion: Health.HealthApi.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SharedTelemetry.Name, "Microsoft.Orleans")
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddView(i => i.Unit == "ms" && i.Meter.Name == SharedTelemetry.Name
                        ? new ExplicitBucketHistogramConfiguration { Boundaries = MillisecondBuckets }
                        : null)
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp) metrics.AddOtlpExporter();
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SharedTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.AspNetCore.SignalR.Server")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter());
        }

        // Never let secrets through, whatever the configured level: ASP.NET's request-start lines
        // carry the full URL (a hub URL carries ?access_token=…), and SignalR's dispatcher logs every
        // invocation's arguments at Debug (join_room carries the room password).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Connections", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Information);
        return builder;
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using CinemaSync.Contracts;

namespace CinemaSync.Grains.Diagnostics;

/// <summary>The silo's instruments and activity source, on the meter web nodes share (see <see cref="SharedTelemetry"/>).</summary>
internal static class GrainTelemetry
{
    public static readonly ActivitySource Source = new(SharedTelemetry.Name);

    public static readonly UpDownCounter<long> ActiveRooms =
        SharedTelemetry.Meter.CreateUpDownCounter<long>("cinemasync.rooms.active", description: "Room grains active on this silo.");
    public static readonly Counter<long> EventsPublished =
        SharedTelemetry.Meter.CreateCounter<long>("cinemasync.room.events.published", description: "Room events broadcast by room grains.");
    public static readonly Counter<long> LocalDeliveries =
        SharedTelemetry.Meter.CreateCounter<long>("cinemasync.node.local_deliveries", description: "Calls from room grains to web nodes in the same process, made without an Orleans message.");
    public static readonly Histogram<double> StorageWriteDuration =
        SharedTelemetry.Meter.CreateHistogram<double>("cinemasync.storage.write.duration", unit: "ms", description: "Grain state writes.");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CinemaSync.Grains.Diagnostics;

/// <summary>
/// CinemaSync's own meters and activity source, shared by silos and web nodes. Exported by
/// OpenTelemetry (Prometheus at <c>/metrics</c>, OTLP when configured) under the name "CinemaSync".
/// </summary>
public static class CinemaSyncTelemetry
{
    public const string Name = "CinemaSync";

    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource Source = new(Name);

    public static readonly UpDownCounter<long> ActiveRooms =
        Meter.CreateUpDownCounter<long>("cinemasync.rooms.active", description: "Room grains active on this silo.");
    public static readonly UpDownCounter<long> JoinedMembers =
        Meter.CreateUpDownCounter<long>("cinemasync.room.members.joined", description: "Connections joined to a room on this web node.");
    public static readonly UpDownCounter<long> Connections =
        Meter.CreateUpDownCounter<long>("cinemasync.hub.connections", description: "Open hub connections on this web node.");
    public static readonly Counter<long> EventsPublished =
        Meter.CreateCounter<long>("cinemasync.room.events.published", description: "Room events broadcast by room grains.");
    public static readonly Counter<long> EventsDelivered =
        Meter.CreateCounter<long>("cinemasync.room.events.delivered", description: "Room event copies sent to connections by this web node.");
    public static readonly Histogram<double> FanOutDuration =
        Meter.CreateHistogram<double>("cinemasync.room.fanout.duration", unit: "ms", description: "From a grain publishing an event to the web node handing it to SignalR.");
    public static readonly Counter<long> HubAcks =
        Meter.CreateCounter<long>("cinemasync.hub.acks", description: "Hub acks by method and result (ok or the error code).");
    public static readonly Histogram<double> StorageWriteDuration =
        Meter.CreateHistogram<double>("cinemasync.storage.write.duration", unit: "ms", description: "Grain state writes.");
    public static readonly Counter<long> DriveStreamBytes =
        Meter.CreateCounter<long>("cinemasync.drive.stream.bytes", unit: "By", description: "Bytes proxied from Google Drive to viewers.");

    /// <summary>Server time in ticks, comparable across the processes of a cluster (wall clock).</summary>
    public static long NowTicks => DateTime.UtcNow.Ticks;
}

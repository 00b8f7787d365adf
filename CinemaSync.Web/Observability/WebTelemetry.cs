using System.Diagnostics.Metrics;
using CinemaSync.Contracts;

namespace CinemaSync.Web.Observability;

/// <summary>A web node's instruments (on <see cref="SharedTelemetry.Meter"/>: exported as "CinemaSync" with the silo's).</summary>
public static class WebTelemetry
{
    private static Meter Meter => SharedTelemetry.Meter;

    public static readonly UpDownCounter<long> JoinedMembers =
        Meter.CreateUpDownCounter<long>("cinemasync.room.members.joined", description: "Connections joined to a room on this web node.");
    public static readonly UpDownCounter<long> Connections =
        Meter.CreateUpDownCounter<long>("cinemasync.hub.connections", description: "Open hub connections on this web node.");
    public static readonly Counter<long> EventsDelivered =
        Meter.CreateCounter<long>("cinemasync.room.events.delivered", description: "Room event copies sent to connections by this web node.");
    public static readonly Histogram<double> FanOutDuration =
        Meter.CreateHistogram<double>("cinemasync.room.fanout.duration", unit: "ms", description: "From a grain publishing an event to the web node handing it to SignalR.");
    public static readonly Counter<long> HubAcks =
        Meter.CreateCounter<long>("cinemasync.hub.acks", description: "Hub acks by method and result (ok or the error code).");
    public static readonly Counter<long> DriveStreamBytes =
        Meter.CreateCounter<long>("cinemasync.drive.stream.bytes", unit: "By", description: "Bytes proxied from Google Drive to viewers.");
}

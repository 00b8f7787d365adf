namespace CinemaSync.Contracts;

/// <summary>
/// A room's answer to a web node's <see cref="IRoomGrain.SubscribeAsync"/> when the node is not at
/// the room's seq: the events after the one the node last forwarded, up to <see cref="Seq"/>, sent
/// before any newer event.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoomCatchUp
{
    /// <summary>The room's seq when the node subscribed: every event after it reaches the node as usual.</summary>
    [Id(0)] public required long Seq { get; init; }

    /// <summary>In order; null when the journal no longer holds them all (or the node claims a seq the room never reached).</summary>
    [Id(1)] public IReadOnlyList<RoomEvent>? Missed { get; init; }
}

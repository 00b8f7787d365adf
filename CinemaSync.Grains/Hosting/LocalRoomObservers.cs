using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// The room observers that live in this process, by the <see cref="GrainId"/> of their Orleans
/// reference. A web node co-hosted with the silo registers each observer when it creates the
/// reference and removes it when it drops the subscription; a room (<c>RoomNodes</c>) then
/// calls a registered node through its <see cref="LocalRoomObserver"/> instead of sending itself an
/// Orleans message. A node in another process is never here, so it gets the Orleans call as before.
/// Subscription and expiry stay the room's <c>ObserverManager</c>'s: this only changes how a call
/// to a subscribed node travels.
/// </summary>
/// <remarks>
/// One per silo, in its services (the silo hosting extension registers it): a co-hosted web node
/// shares them, so it registers its observers in the registry its silo's rooms read; a web node
/// without a co-hosted silo has none and never registers anything.
/// Sharing the call's arguments with the node instead of deep-copying them is safe: every room
/// message, view and catch-up is an <c>[Immutable]</c> record whose lists are built for it alone
/// (Orleans already skips copying them on a local call).
/// </remarks>
public sealed class LocalRoomObservers
{
    private readonly ConcurrentDictionary<GrainId, LocalRoomObserver> _observers = new();

    /// <summary>Observers registered now.</summary>
    public int Count => _observers.Count;

    /// <summary>From now on, calls to <paramref name="reference"/> reach <paramref name="observer"/> directly.</summary>
    public void Register(IRoomObserver reference, IRoomObserver observer, ILogger log) =>
        _observers[reference.GetGrainId()] = new LocalRoomObserver(observer, log);

    /// <summary>Calls to <paramref name="reference"/> go through Orleans again; the ones already queued are still delivered.</summary>
    public bool Unregister(IRoomObserver reference) => _observers.TryRemove(reference.GetGrainId(), out _);

    internal bool TryGet(IRoomObserver reference, [NotNullWhen(true)] out LocalRoomObserver? local) =>
        _observers.TryGetValue(reference.GetGrainId(), out local);

    /// <summary>
    /// One call to a node: queued for its local observer when it is in this process, else the Orleans
    /// one-way call. Never throws for a local node and returns at once: a failing observer is logged
    /// by its queue and stays subscribed, as a one-way Orleans call's failure would leave it.
    /// </summary>
    internal Task Deliver(IRoomObserver node, Func<IRoomObserver, Task> call)
    {
        if (!TryGet(node, out var local)) return call(node);
        local.Post(call);
        return Task.CompletedTask;
    }
}

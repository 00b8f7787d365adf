using System.Collections.Concurrent;
using CinemaSync.Contracts;
using CinemaSync.Grains.Diagnostics;
using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// The in-process way to one node's observer of one room (see <see cref="LocalRoomObservers"/>):
/// the room's calls, one at a time in the order the room made them, each awaited before the next,
/// as Orleans delivers to an observer object. They run on the thread pool, never inline in the
/// room's turn: there <c>TaskScheduler.Current</c> is the activation's, so an <c>await</c> in the
/// observer (a join adds its connection to a SignalR group) would continue on the grain's scheduler,
/// queued behind the room's commands and holding them up, and a grain call the observer makes would
/// count as the grain's own. Lock-free: the room only enqueues, and starts the drain when none runs.
/// </summary>
internal sealed class LocalRoomObserver : IThreadPoolWorkItem
{
    private readonly IRoomObserver _observer;
    private readonly ILogger _log;
    private readonly ConcurrentQueue<Func<IRoomObserver, Task>> _calls = new();

    /// <summary>1 while a drain is queued or running: only one ever runs, so the calls keep their order.</summary>
    private int _draining;

    private long _delivered;

    internal LocalRoomObserver(IRoomObserver observer, ILogger log)
    {
        _observer = observer;
        _log = log;
    }

    /// <summary>Calls made to the observer so far, failed ones included.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    internal void Post(Func<IRoomObserver, Task> call)
    {
        _calls.Enqueue(call);
        GrainTelemetry.LocalDeliveries.Add(1);
        // Not flowing the room's execution context: the observer must not run under its activity or request context.
        if (Interlocked.Exchange(ref _draining, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync();

    private async Task DrainAsync()
    {
        do
        {
            while (_calls.TryDequeue(out var call))
            {
                try
                {
                    await call(_observer);
                }
                catch (Exception ex)
                {
                    _log.LogWarning(ex, "A room observer in this process failed a call; it stays subscribed");
                }
                Interlocked.Increment(ref _delivered);
            }
            Volatile.Write(ref _draining, 0);
            // A call enqueued between the last dequeue and the line above saw a drain running and started none: take it.
        } while (!_calls.IsEmpty && Interlocked.Exchange(ref _draining, 1) == 0);
    }
}

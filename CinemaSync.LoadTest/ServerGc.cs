using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CinemaSync.LoadTest;

/// <summary>
/// Makes a local .NET process run a full blocking GC from outside: an EventPipe session (the
/// process's diagnostic socket) enabling the runtime's GCHeapCollect keyword makes the runtime
/// induce one. The same session listens to the GC events, so the collection is confirmed, not
/// assumed: the gen-2 GC's number and reason, and the managed heap size after it.
/// </summary>
public static class ServerGc
{
    /// <summary>A confirmed induced collection.</summary>
    public sealed record Collection(int GcNumber, string Reason, long HeapKbAfter);

    /// <summary>What a forced GC left: the collection and the process's RSS right after it, or why there is none.</summary>
    public sealed record Sample(Collection? Gc, long? RssKb, string? Problem);

    public static async Task<Sample> CollectAndSampleAsync(int pid, TimeSpan timeout)
    {
        var (gc, problem) = await InduceAsync(pid, timeout);
        return new Sample(gc, gc is null ? null : ServerProbe.TryRead(pid)?.RssKb, problem);
    }

    /// <summary>The collection, or an error text (no diagnostic socket, no GC seen in time).</summary>
    public static async Task<(Collection? Gc, string? Problem)> InduceAsync(int pid, TimeSpan timeout)
    {
        EventPipeSession session;
        try
        {
            var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
            session = new DiagnosticsClient(pid).StartEventPipeSession(
                new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords),
                requestRundown: false, circularBufferMB: 4);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or IOException or TimeoutException)
        {
            return (null, $"no EventPipe session with pid {pid}: {e.Message}");
        }
        using (session)
        {
            var done = new TaskCompletionSource<Collection>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var source = new EventPipeEventSource(session.EventStream);
            int gcNumber = -1;
            string reason = "";
            source.Clr.GCStart += e =>
            {
                if (e.Depth == 2 && gcNumber < 0)
                {
                    gcNumber = e.Count;
                    reason = e.Reason.ToString();
                }
            };
            // GCHeapStats follows the GC's end: the heap as the collection left it.
            source.Clr.GCHeapStats += e =>
            {
                if (gcNumber >= 0)
                {
                    done.TrySetResult(new Collection(gcNumber, reason, e.TotalHeapSize / 1024));
                }
            };
            var processing = Task.Run(source.Process);
            var finished = await Task.WhenAny(done.Task, Task.Delay(timeout));
            try
            {
                await session.StopAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
            {
                // The target may be gone; the result below says what was seen.
            }
            await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
            return finished == done.Task
                ? (await done.Task, null)
                : (null, $"pid {pid}: no full GC seen within {timeout.TotalSeconds:0} s of the GCHeapCollect request");
        }
    }
}

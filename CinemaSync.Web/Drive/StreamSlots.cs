using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

/// <summary>
/// Open streams per viewer on this node, capped at <see cref="StreamOptions.MaxConcurrentPerViewer"/>: a
/// viewer cannot hold more of this node's Drive connections and buffers than a few players need. A slot
/// is taken before Drive is asked for bytes and given back when the copy ends, however it ends.
/// </summary>
public sealed class StreamSlots(IOptions<StreamOptions> options)
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public int Limit => options.Value.MaxConcurrentPerViewer;

    /// <summary>A slot for one more stream of <paramref name="viewerId"/> (dispose it when the stream ends), or null when they are at the cap.</summary>
    public IDisposable? TryAcquire(string viewerId)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(viewerId);
            if (Limit > 0 && open >= Limit) return null;
            _open[viewerId] = open + 1;
        }
        return new Slot(this, viewerId);
    }

    /// <summary>How many streams <paramref name="viewerId"/> has open on this node.</summary>
    public int OpenFor(string viewerId)
    {
        lock (_open) return _open.GetValueOrDefault(viewerId);
    }

    private void Release(string viewerId)
    {
        lock (_open)
        {
            if (_open.GetValueOrDefault(viewerId) <= 1) _open.Remove(viewerId);
            else _open[viewerId]--;
        }
    }

    private sealed class Slot(StreamSlots slots, string viewerId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release(viewerId);
        }
    }
}

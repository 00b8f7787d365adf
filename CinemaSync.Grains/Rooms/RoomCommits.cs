using CinemaSync.Grains.Journal;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// A room's decisions on their way out, in the order the room made them: each is written to the
/// journal (when it changed anything durable), then published, then acknowledged. While one write
/// is in flight, the decisions that follow wait here and go out together in the next write, so a
/// burst (a thousand members joining one room) costs one durable write per batch rather than one
/// per command, and the journal, the nodes and the acks all see the decisions in their order.
/// A failed write refuses its batch and everything queued behind it (decided on top of it), and
/// tells the room, which then reads itself back from the journal. Runs on the grain's scheduler,
/// one step at a time: no locks.
/// </summary>
/// <param name="write">Writes one batch durably.</param>
/// <param name="writeFailed">A batch's write failed; the count is of the decisions refused.</param>
/// <param name="publishFailed">Publishing a written decision threw (it is still acknowledged: it is in the journal).</param>
internal sealed class RoomCommits(Func<JournalAppend, Task> write, Action<Exception, int> writeFailed, Action<Exception> publishFailed)
{
    /// <summary>Decisions written together at most (a bound on one write's size).</summary>
    public const int MaxBatch = 256;

    private sealed class Pending(JournalAppend? append, Func<Task> publish)
    {
        public JournalAppend? Append { get; } = append;
        public Func<Task> Publish { get; } = publish;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Queue<Pending> _queue = new();
    private readonly List<Pending> _batch = new(MaxBatch);
    private readonly List<JournalAppend> _appends = new(MaxBatch);
    private bool _draining;

    /// <summary>
    /// Queues one decision: <paramref name="append"/> (null: nothing durable) is written after every
    /// decision queued before it, then <paramref name="publish"/> runs, in decision order. True once
    /// published; false when its write, or an earlier one it was decided on top of, failed. When
    /// nothing is in flight the write starts before this returns.
    /// </summary>
    public Task<bool> CommitAsync(JournalAppend? append, Func<Task> publish)
    {
        var pending = new Pending(append, publish);
        _queue.Enqueue(pending);
        if (!_draining) _ = DrainAsync();
        return pending.Done.Task;
    }

    private async Task DrainAsync()
    {
        _draining = true;
        try
        {
            while (_queue.Count > 0)
            {
                if (TakeBatch() is { } append)
                {
                    try
                    {
                        await write(append);
                    }
                    catch (Exception ex)
                    {
                        RefuseAll(ex);
                        return;
                    }
                }
                foreach (var pending in _batch)
                {
                    try
                    {
                        await pending.Publish();
                    }
                    catch (Exception ex)
                    {
                        publishFailed(ex);
                    }
                    pending.Done.TrySetResult(true);
                }
                _batch.Clear();
            }
        }
        finally
        {
            _draining = false;
        }
    }

    /// <summary>Moves the next decisions that can be written as one into <see cref="_batch"/>; returns their write (null: none durable).</summary>
    private JournalAppend? TakeBatch()
    {
        _appends.Clear();
        while (_batch.Count < MaxBatch && _queue.TryPeek(out var next))
        {
            if (next.Append is { } append)
            {
                if (_appends.Count > 0 && !_appends[^1].CanBeFollowedBy(append)) break;
                _appends.Add(append);
            }
            _batch.Add(_queue.Dequeue());
        }
        return _appends.Count == 0 ? null : JournalAppend.Concat(_appends);
    }

    /// <summary>The room hears of the failure first (and starts reading itself back), then the refused commands.</summary>
    private void RefuseAll(Exception ex)
    {
        var refused = new List<Pending>(_batch.Count + _queue.Count);
        refused.AddRange(_batch);
        refused.AddRange(_queue);
        _batch.Clear();
        _queue.Clear();
        writeFailed(ex, refused.Count);
        foreach (var pending in refused) pending.Done.TrySetResult(false);
    }
}

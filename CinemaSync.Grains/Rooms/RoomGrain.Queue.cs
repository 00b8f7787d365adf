using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>The room's queue of videos, and advancing through it.</summary>
public sealed partial class RoomGrain
{
    public async Task<RoomResult<QueueItem>> QueueAddAsync(string userId, MovieSource source, string? title)
    {
        if (RefuseUnlessController<QueueItem>(userId) is { } refused) return refused;
        if (!source.HasVideo) return RoomResult<QueueItem>.Fail(ErrorCodes.InvalidPayload, "A queue item needs a video (a url or a file_id).");
        if (Room.Queue.Count >= _options.MaxQueueLength)
            return RoomResult<QueueItem>.Fail(ErrorCodes.LimitReached, $"The queue is full: it holds at most {_options.MaxQueueLength} items.");

        var item = new QueueItem
        {
            ItemId = Guid.NewGuid().ToString("N")[..12],
            MovieSource = source,
            Title = title ?? source.Name,
            DurationMs = source.DurationMs,
        };
        Room.Queue.Add(item);
        return await QueueChangedAsync() ? RoomResult<QueueItem>.Ok(item) : Unavailable<QueueItem>();
    }

    public async Task<RoomResult<Done>> QueueRemoveAsync(string userId, string itemId)
    {
        if (RefuseUnlessController<Done>(userId) is { } refused) return refused;
        if (Room.Queue.RemoveAll(i => i.ItemId == itemId) == 0)
            return RoomResult<Done>.Fail(ErrorCodes.ItemNotFound, "No such item in the queue.");
        return await QueueChangedAsync() ? RoomResult<Done>.Ok(Done.Value) : Unavailable<Done>();
    }

    public async Task<RoomResult<Done>> QueueMoveAsync(string userId, string itemId, int index)
    {
        if (RefuseUnlessController<Done>(userId) is { } refused) return refused;
        var item = Room.Queue.Find(i => i.ItemId == itemId);
        if (item is null) return RoomResult<Done>.Fail(ErrorCodes.ItemNotFound, "No such item in the queue.");
        Room.Queue.Remove(item);
        Room.Queue.Insert(Math.Clamp(index, 0, Room.Queue.Count), item);
        return await QueueChangedAsync() ? RoomResult<Done>.Ok(Done.Value) : Unavailable<Done>();
    }

    public async Task<RoomResult<PlaybackState>> PlayNextAsync(string userId)
    {
        if (RefuseUnlessController<PlaybackState>(userId) is { } refused) return refused;
        if (Room.Queue.Count == 0) return RoomResult<PlaybackState>.Fail(ErrorCodes.ItemNotFound, "The queue is empty.");
        return await AdvanceQueueAsync(userId) ? RoomResult<PlaybackState>.Ok(Room.Playback) : Unavailable<PlaybackState>();
    }

    private async Task<bool> QueueChangedAsync()
    {
        var updated = new QueueUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), Queue = Room.Queue.ToList() };
        if (!await CommitAsync(updated)) return false;
        EnsureTicking();
        return true;
    }

    /// <summary>The next item becomes the video and starts playing from 0 with a scheduled start.</summary>
    private async Task<bool> AdvanceQueueAsync(string? by)
    {
        var next = Room.Queue[0];
        Room.Queue.RemoveAt(0);
        Room.MovieSource = next.MovieSource with { DurationMs = next.DurationMs ?? next.MovieSource.DurationMs, Name = next.Title ?? next.MovieSource.Name };
        Room.Playback = PlaybackRules.StartNext(Room.Playback, Now, LeadMs());
        EndWaiting();
        var queueSeq = NextSeq();
        var roomSeq = NextSeq();
        var view = View();
        var playback = new PlaybackUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), PlaybackState = Room.Playback, By = by };
        if (!await CommitAsync(
                new QueueUpdatedEvent { RoomId = RoomId, Seq = queueSeq, Queue = view.Queue },
                new RoomUpdatedEvent { RoomId = RoomId, Seq = roomSeq, Room = view },
                playback))
            return false;
        EnsureTicking();
        return true;
    }
}

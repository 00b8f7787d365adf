using System.Threading.Channels;
using CinemaSync.Contracts;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>A web node stand-in for grain tests: records what the room tells its observer.</summary>
public sealed class RecordingObserver : IRoomObserver
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    public Task OnRoomEventAsync(RoomEvent roomEvent) => Write(roomEvent);
    public Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined) => Write(joined);
    public Task OnConnectionRemovedAsync(string connectionId) => Write(connectionId);
    public Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message) => Write(message);
    public Task OnCatchUpAsync(RoomCatchUp catchUp) => Write(catchUp);

    private Task Write(object item)
    {
        _received.Writer.TryWrite(item);
        return Task.CompletedTask;
    }

    public async Task<T> NextAsync<T>()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var item = await _received.Reader.ReadAsync(cts.Token);
            if (item is T match) return match;
        }
    }
}

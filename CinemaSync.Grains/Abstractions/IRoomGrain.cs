namespace CinemaSync.Grains.Abstractions;

/// <summary>One room, keyed by its room id. Holds members and the authoritative playback state.</summary>
[Alias("CinemaSync.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<RoomResult<RoomView>> CreateAsync(CreateRoomCommand command);
    [Alias("Get")] Task<RoomView?> GetAsync();
    [Alias("Join")] Task<RoomResult<JoinResult>> JoinAsync(JoinRoomCommand command);
    [Alias("Leave")] Task<RoomResult<Done>> LeaveAsync(string userId);
    [Alias("UpdatePlayback")] Task<RoomResult<PlaybackState>> UpdatePlaybackAsync(string userId, PlaybackCommand command);
    [Alias("Chat")] Task<RoomResult<ChatMessage>> SendChatAsync(string userId, string text);
    [Alias("React")] Task<RoomResult<Done>> ReactAsync(string userId, string emoji);
    [Alias("SetVideo")] Task<RoomResult<RoomView>> SetVideoAsync(string userId, MovieSource source);
    [Alias("Close")] Task<RoomResult<Done>> CloseAsync(string userId);

    /// <summary>A SignalR connection dropped: its member shows <c>connected: false</c> if it was their last.</summary>
    [Alias("Disconnect")] Task DisconnectAsync(string connectionId);

    /// <summary>A web node (re-)subscribes with all its local connections of this room.</summary>
    [Alias("Subscribe")] Task SubscribeAsync(IRoomObserver node, IReadOnlyList<LocalConnection> connections);
}

using CinemaSync.Grains.Abstractions;
using CinemaSync.Grains.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// One room. Every accepted command changes the state, writes it through, and only then
/// tells the web nodes, so no client ever sees an event the store does not have.
/// </summary>
[GrainType("room")]
public sealed class RoomGrain : Grain, IRoomGrain
{
    public const int ChatHistoryLength = 100;

    private readonly IPersistentState<RoomState> _state;
    private readonly TimeProvider _clock;
    private readonly ILogger<RoomGrain> _log;
    private readonly ObserverManager<IRoomObserver> _nodes;
    private readonly RoomConnections _connections = new();

    public RoomGrain(
        [PersistentState(StateNames.Room, StorageNames.Default)] IPersistentState<RoomState> state,
        TimeProvider clock,
        IOptions<RoomGrainOptions> options,
        ILogger<RoomGrain> log)
    {
        _state = state;
        _clock = clock;
        _log = log;
        _nodes = new ObserverManager<IRoomObserver>(options.Value.NodeExpiry, log);
    }

    private RoomState Room => _state.State;
    private string RoomId => this.GetPrimaryKeyString();
    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = _nodes.ExpirationDuration / 3;
        this.RegisterGrainTimer(DropExpiredNodesAsync, period, period);
        return Task.CompletedTask;
    }

    public async Task<RoomResult<RoomView>> CreateAsync(CreateRoomCommand command)
    {
        if (Room.Exists)
            return RoomResult<RoomView>.Fail(ErrorCodes.RoomExists, "That room id is taken.");

        var now = Now;
        _state.State = new RoomState
        {
            Name = command.Name,
            HostId = command.Host.UserId,
            IsPrivate = command.IsPrivate,
            PasswordHash = command.IsPrivate && command.Password is { } password ? PasswordHasher.Hash(password) : null,
            IsActive = true,
            CreatedAt = now,
            LastActivityAt = now,
            MovieSource = command.MovieSource,
            Settings = command.Settings,
            Playback = PlaybackRules.Initial(command.MovieSource.HasVideo, now),
            Participants = [new ParticipantState
            {
                UserId = command.Host.UserId,
                DisplayName = command.Host.DisplayName,
                Role = ParticipantRoles.Host,
                JoinedAt = now,
            }],
        };
        if (!await TryPersistAsync())
        {
            _state.State = new RoomState();
            return Unavailable<RoomView>();
        }
        await GrainFactory.GetGrain<IUserGrain>(command.Host.UserId).AddRoomAsync(RoomId);
        _log.LogInformation("Room {RoomId} created by {UserId}", RoomId, command.Host.UserId);
        return RoomResult<RoomView>.Ok(View());
    }

    public Task<RoomView?> GetAsync() => Task.FromResult(Room.Exists ? View() : null);

    public async Task<RoomResult<JoinResult>> JoinAsync(JoinRoomCommand command)
    {
        if (Refuse<JoinResult>() is { } refused) return refused;

        var user = command.User;
        var participant = Room.Participant(user.UserId);
        UserJoinedEvent? joinedEvent = null;
        if (participant is null)
        {
            if (Room.IsPrivate && (command.Password is null || Room.PasswordHash is null
                                   || !PasswordHasher.Verify(command.Password, Room.PasswordHash)))
                return RoomResult<JoinResult>.Fail(ErrorCodes.InvalidPassword, "Invalid password.");
            if (Room.Participants.Count >= Room.Settings.MaxParticipants)
                return RoomResult<JoinResult>.Fail(ErrorCodes.RoomFull, $"The room is full ({Room.Settings.MaxParticipants} participants).");

            participant = new ParticipantState
            {
                UserId = user.UserId,
                DisplayName = user.DisplayName,
                // Nobody left to host an emptied room: the first to come back takes it.
                Role = Room.Participants.Count == 0 ? ParticipantRoles.Host : ParticipantRoles.Member,
                JoinedAt = Now,
            };
            Room.Participants.Add(participant);
            if (participant.Role == ParticipantRoles.Host) Room.HostId = user.UserId;
            joinedEvent = new UserJoinedEvent
            {
                RoomId = RoomId,
                Seq = NextSeq(),
                User = ViewOf(participant) with { Connected = command.Connection is not null },
            };
            if (!await TryPersistAsync()) return Unavailable<JoinResult>();
            await GrainFactory.GetGrain<IUserGrain>(user.UserId).AddRoomAsync(RoomId);
        }

        if (command.Connection is { } connection)
        {
            _connections.Add(connection.ConnectionId, user.UserId, connection.Node);
            _nodes.Subscribe(connection.Node, connection.Node);
        }
        if (joinedEvent is not null) Broadcast(joinedEvent);

        var view = View();
        if (command.Connection is { } joiner)
            _ = joiner.Node.OnConnectionJoinedAsync(joiner.ConnectionId, new RoomJoinedEvent { RoomId = RoomId, Seq = Room.Seq, Room = view });
        return RoomResult<JoinResult>.Ok(new JoinResult { Room = view, ChatHistory = Room.Chat.ToList() });
    }

    public async Task<RoomResult<Done>> LeaveAsync(string userId)
    {
        if (!Room.Exists) return RoomResult<Done>.Fail(ErrorCodes.RoomNotFound, "Room not found.");
        var participant = Room.Participant(userId);
        if (participant is null) return RoomResult<Done>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");

        Room.Participants.Remove(participant);
        var events = new List<RoomEvent> { new UserLeftEvent { RoomId = RoomId, Seq = NextSeq(), UserId = userId } };
        if (participant.Role == ParticipantRoles.Host && Room.Participants.Count > 0)
        {
            var heir = Room.Participants.MinBy(p => p.JoinedAt)!;
            heir.Role = ParticipantRoles.Host;
            Room.HostId = heir.UserId;
            events.Add(new RoomUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), Room = View() });
        }
        if (!await TryPersistAsync()) return Unavailable<Done>();
        await GrainFactory.GetGrain<IUserGrain>(userId).RemoveRoomAsync(RoomId);

        events.ForEach(Broadcast);
        foreach (var (connectionId, node) in _connections.OfUser(userId))
            RemoveConnection(connectionId, node);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<PlaybackState>> UpdatePlaybackAsync(string userId, PlaybackCommand command)
    {
        if (Refuse<PlaybackState>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<PlaybackState>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");

        var result = PlaybackRules.Apply(Room.Playback, command, participant.Role, Now);
        if (!result.IsOk) return result;

        Room.Playback = result.Value!;
        var updated = new PlaybackUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), PlaybackState = Room.Playback, By = userId };
        if (!await TryPersistAsync()) return Unavailable<PlaybackState>();
        Broadcast(updated);
        return result;
    }

    public async Task<RoomResult<ChatMessage>> SendChatAsync(string userId, string text)
    {
        if (Refuse<ChatMessage>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<ChatMessage>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        if (!Room.Settings.ChatEnabled)
            return RoomResult<ChatMessage>.Fail(ErrorCodes.ChatDisabled, "Chat is disabled in this room.");
        text = text.Trim();
        if (!TextRules.LengthWithin(text, 1, TextRules.ChatMaxLength))
            return RoomResult<ChatMessage>.Fail(ErrorCodes.InvalidPayload, $"text must be 1 to {TextRules.ChatMaxLength} characters.");

        var message = new ChatMessage
        {
            MessageId = Guid.NewGuid().ToString("N"),
            UserId = userId,
            DisplayName = participant.DisplayName,
            Text = text,
            SentAt = Now,
        };
        Room.Chat.Add(message);
        if (Room.Chat.Count > ChatHistoryLength) Room.Chat.RemoveRange(0, Room.Chat.Count - ChatHistoryLength);
        var chatEvent = new NewChatMessageEvent { RoomId = RoomId, Seq = NextSeq(), Message = message };
        if (!await TryPersistAsync()) return Unavailable<ChatMessage>();
        Broadcast(chatEvent);
        return RoomResult<ChatMessage>.Ok(message);
    }

    public async Task<RoomResult<Done>> ReactAsync(string userId, string emoji)
    {
        if (Refuse<Done>() is { } refused) return refused;
        if (Room.Participant(userId) is null)
            return RoomResult<Done>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        if (!Room.Settings.ReactionsEnabled)
            return RoomResult<Done>.Fail(ErrorCodes.ReactionsDisabled, "Reactions are disabled in this room.");
        if (string.IsNullOrWhiteSpace(emoji) || !TextRules.LengthWithin(emoji, 1, TextRules.EmojiMaxLength))
            return RoomResult<Done>.Fail(ErrorCodes.InvalidPayload, $"emoji must be 1 to {TextRules.EmojiMaxLength} characters.");

        // Persisted too: seq must never go back after a restart.
        var reaction = new NewReactionEvent { RoomId = RoomId, Seq = NextSeq(), UserId = userId, Emoji = emoji, SentAt = Now };
        if (!await TryPersistAsync()) return Unavailable<Done>();
        Broadcast(reaction);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<RoomView>> SetVideoAsync(string userId, MovieSource source)
    {
        if (Refuse<RoomView>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<RoomView>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        if (participant.Role != ParticipantRoles.Host)
            return RoomResult<RoomView>.Fail(ErrorCodes.NotHost, "Only the host sets the video.");

        var now = Now;
        Room.MovieSource = source;
        Room.Playback = PlaybackRules.Reset(Room.Playback, source.HasVideo, now);
        var seq = NextSeq();
        var view = View();
        if (!await TryPersistAsync()) return Unavailable<RoomView>();
        Broadcast(new RoomUpdatedEvent { RoomId = RoomId, Seq = seq, Room = view });
        return RoomResult<RoomView>.Ok(view);
    }

    public async Task<RoomResult<Done>> CloseAsync(string userId)
    {
        if (Refuse<Done>() is { } refused) return refused;
        if (Room.Participant(userId)?.Role != ParticipantRoles.Host)
            return RoomResult<Done>.Fail(ErrorCodes.NotHost, "Only the host closes the room.");

        Room.IsActive = false;
        var closed = new RoomClosedEvent { RoomId = RoomId, Seq = NextSeq() };
        if (!await TryPersistAsync()) return Unavailable<Done>();
        Broadcast(closed);
        foreach (var (connectionId, node) in _connections.All())
            RemoveConnection(connectionId, node);
        _log.LogInformation("Room {RoomId} closed by {UserId}", RoomId, userId);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public Task DisconnectAsync(string connectionId)
    {
        if (_connections.Remove(connectionId) is { } node && !_connections.NodeHasConnections(node))
            _nodes.Unsubscribe(node);
        return Task.CompletedTask;
    }

    public Task SubscribeAsync(IRoomObserver node, IReadOnlyList<LocalConnection> connections)
    {
        var members = connections.Where(c => Room.Participant(c.UserId) is not null && Room.IsActive).ToList();
        _connections.Replace(node, members);
        if (members.Count > 0) _nodes.Subscribe(node, node);
        else _nodes.Unsubscribe(node);
        return Task.CompletedTask;
    }

    private Task DropExpiredNodesAsync()
    {
        _nodes.ClearExpired();
        _connections.RemoveWhere(node => !_nodes.Observers.ContainsKey(node));
        return Task.CompletedTask;
    }

    private void Broadcast(RoomEvent roomEvent) => _nodes.Notify(node => node.OnRoomEventAsync(roomEvent));

    private void RemoveConnection(string connectionId, IRoomObserver node)
    {
        _connections.Remove(connectionId);
        _ = node.OnConnectionRemovedAsync(connectionId);
        if (!_connections.NodeHasConnections(node)) _nodes.Unsubscribe(node);
    }

    private long NextSeq()
    {
        Room.LastActivityAt = Now;
        return ++Room.Seq;
    }

    /// <summary>The refusals every command on a room shares.</summary>
    private RoomResult<T>? Refuse<T>()
    {
        if (!Room.Exists) return RoomResult<T>.Fail(ErrorCodes.RoomNotFound, "Room not found.");
        if (!Room.IsActive) return RoomResult<T>.Fail(ErrorCodes.RoomClosed, "The room is closed.");
        return null;
    }

    /// <summary>Writes the state; on failure restores the stored state so memory never runs ahead of the store.</summary>
    private async Task<bool> TryPersistAsync()
    {
        try
        {
            await _state.WriteStateAsync();
            return true;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Room {RoomId}: state write failed; the command is refused", RoomId);
            try
            {
                await _state.ReadStateAsync();
            }
            catch (Exception readError)
            {
                _log.LogError(readError, "Room {RoomId}: reload after a failed write failed; deactivating", RoomId);
                DeactivateOnIdle();
            }
            return false;
        }
    }

    private static RoomResult<T> Unavailable<T>() =>
        RoomResult<T>.Fail(ErrorCodes.Unavailable, "The room could not be saved; nothing was changed. Try again.");

    private ParticipantView ViewOf(ParticipantState p) => new()
    {
        UserId = p.UserId,
        DisplayName = p.DisplayName,
        Role = p.Role,
        Connected = _connections.IsConnected(p.UserId),
    };

    private RoomView View() => new()
    {
        RoomId = RoomId,
        Name = Room.Name,
        HostId = Room.HostId,
        IsPrivate = Room.IsPrivate,
        IsActive = Room.IsActive,
        CreatedAt = Room.CreatedAt,
        MovieSource = Room.MovieSource,
        Settings = Room.Settings,
        Participants = Room.Participants.Select(ViewOf).ToList(),
        PlaybackState = Room.Playback,
        Seq = Room.Seq,
        LastActivityAt = Room.LastActivityAt,
    };
}

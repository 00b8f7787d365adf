using CinemaSync.Contracts;
using CinemaSync.Grains.Diagnostics;
using CinemaSync.Grains.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// One room. Every accepted command changes the state, writes it through, and only then
/// tells the web nodes, so no client ever sees an event the store does not have.
/// Roles, sync and queue commands live in the partial files beside this one.
/// </summary>
[GrainType("room")]
public sealed partial class RoomGrain : Grain, IRoomGrain
{
    public const int ChatHistoryLength = 100;
    /// <summary>Events kept in memory for <c>join_room</c> with <c>last_seq</c>.</summary>
    public const int ResumeWindow = 256;

    private readonly IPersistentState<RoomState> _state;
    private readonly TimeProvider _clock;
    private readonly ILogger<RoomGrain> _log;
    private readonly RoomGrainOptions _options;
    private readonly ObserverManager<IRoomObserver> _nodes;
    private readonly RoomConnections _connections = new();
    private readonly LinkedList<RoomEvent> _recentEvents = new();

    public RoomGrain(
        [PersistentState(StateNames.Room, StorageNames.Default)] IPersistentState<RoomState> state,
        TimeProvider clock,
        IOptions<RoomGrainOptions> options,
        ILogger<RoomGrain> log)
    {
        _state = state;
        _clock = clock;
        _log = log;
        _options = options.Value;
        _nodes = new ObserverManager<IRoomObserver>(_options.NodeExpiry, log);
    }

    private RoomState Room => _state.State;
    private string RoomId => this.GetPrimaryKeyString();
    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        CinemaSyncTelemetry.ActiveRooms.Add(1);
        var period = _nodes.ExpirationDuration / 3;
        this.RegisterGrainTimer(DropExpiredNodesAsync, period, period);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CinemaSyncTelemetry.ActiveRooms.Add(-1);
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

    public Task<RoomLookup?> LookupAsync(string userId)
    {
        if (!Room.Exists) return Task.FromResult<RoomLookup?>(null);
        var preview = new RoomPreview
        {
            RoomId = RoomId,
            Name = Room.Name,
            IsPrivate = Room.IsPrivate,
            IsActive = Room.IsActive,
            ParticipantCount = Room.Participants.Count,
        };
        return Task.FromResult<RoomLookup?>(new RoomLookup { Preview = preview, Room = Room.Participant(userId) is null ? null : View() });
    }

    public Task<string?> RoleOfAsync(string userId) => Task.FromResult(Room.Participant(userId)?.Role);

    public async Task<RoomResult<JoinResult>> JoinAsync(JoinRoomCommand command)
    {
        if (Refuse<JoinResult>() is { } refused) return refused;

        var user = command.User;
        if (Room.Banned.Contains(user.UserId))
            return RoomResult<JoinResult>.Fail(ErrorCodes.Banned, "You are banned from this room.");
        var participant = Room.Participant(user.UserId);
        var events = new List<RoomEvent>();
        var isNew = participant is null;
        if (participant is null)
        {
            if (Room.IsPrivate && !command.Invited && !Passwords.TakeAdmission(user.UserId, Now))
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
            events.Add(new UserJoinedEvent
            {
                RoomId = RoomId,
                Seq = NextSeq(),
                User = ViewOf(participant) with { Connected = command.Connection is not null },
            });
        }
        else if (command.Connection is not null && !_connections.IsConnected(user.UserId))
        {
            events.Add(new PresenceChangedEvent { RoomId = RoomId, Seq = NextSeq(), UserId = user.UserId, Connected = true });
        }

        // What a reconnecting member missed: computed before this join's own events count.
        var lastSeqBefore = Room.Seq - events.Count;
        if (events.Count > 0 && !await TryPersistAsync()) return Unavailable<JoinResult>();
        if (isNew)
        {
            await GrainFactory.GetGrain<IUserGrain>(user.UserId).AddRoomAsync(RoomId);
            _log.LogInformation("Room {RoomId}: {UserId} joined", RoomId, user.UserId);
        }

        if (command.Connection is { } connection)
        {
            _removedConnections.Forget(connection.ConnectionId);
            _connections.Add(connection.ConnectionId, user.UserId, connection.Node);
            _nodes.Subscribe(connection.Node, connection.Node);
        }
        if (user.UserId == Room.HostId) HostIsBack();
        events.ForEach(Broadcast);

        var view = View();
        if (command.Connection is { } joiner)
            _ = joiner.Node.OnConnectionJoinedAsync(joiner.ConnectionId, new RoomJoinedEvent { RoomId = RoomId, Seq = Room.Seq, Room = view });

        var result = new JoinResult { Room = view, ChatHistory = Room.Chat.ToList() };
        if (!isNew && command.LastSeq is { } lastSeq)
            result = Resume(result, lastSeq, lastSeqBefore);
        return RoomResult<JoinResult>.Ok(result);
    }

    /// <summary>The events after <paramref name="lastSeq"/>, or a resync when they are no longer all kept.</summary>
    private JoinResult Resume(JoinResult result, long lastSeq, long seqBeforeJoin)
    {
        if (lastSeq >= seqBeforeJoin) return result with { MissedEvents = [] };
        var oldestKept = _recentEvents.First?.Value.Seq ?? long.MaxValue;
        if (lastSeq + 1 < oldestKept || lastSeq > Room.Seq) return result with { Resync = true };
        return result with { MissedEvents = _recentEvents.Where(e => e.Seq > lastSeq && e.Seq <= seqBeforeJoin).ToList() };
    }

    public async Task<RoomResult<Done>> LeaveAsync(string userId)
    {
        if (!Room.Exists) return RoomResult<Done>.Fail(ErrorCodes.RoomNotFound, "Room not found.");
        if (Room.Participant(userId) is null) return RoomResult<Done>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        return await RemoveParticipantAsync(userId, kicked: null);
    }

    /// <summary>Leave and kick share this: the participant goes, host passes on if it was the host.</summary>
    private async Task<RoomResult<Done>> RemoveParticipantAsync(string userId, KickedMessage? kicked)
    {
        var participant = Room.Participant(userId)!;
        Room.Participants.Remove(participant);
        ForgetSync(userId);
        var events = new List<RoomEvent> { new UserLeftEvent { RoomId = RoomId, Seq = NextSeq(), UserId = userId } };
        if (participant.Role == ParticipantRoles.Host && Room.Participants.Count > 0)
        {
            var heir = Room.Participants.MinBy(p => p.JoinedAt)!;
            heir.Role = ParticipantRoles.Host;
            Room.HostId = heir.UserId;
            events.Add(new RoomUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), Room = View() });
        }
        if (kicked is { Banned: true }) Room.Banned.Add(userId);
        if (!await TryPersistAsync()) return Unavailable<Done>();
        _log.LogInformation("Room {RoomId}: {UserId} {Action}", RoomId, userId, kicked is null ? "left" : kicked.Banned ? "was banned" : "was kicked");
        await GrainFactory.GetGrain<IUserGrain>(userId).RemoveRoomAsync(RoomId);

        var connections = _connections.OfUser(userId);
        if (kicked is not null) SendTo(connections.Select(c => c.ConnectionId), kicked);
        events.ForEach(Broadcast);
        foreach (var (connectionId, node) in connections)
            RemoveConnection(connectionId, node);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<PlaybackState>> UpdatePlaybackAsync(string userId, PlaybackCommand command)
    {
        if (Refuse<PlaybackState>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<PlaybackState>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");

        var result = PlaybackRules.Apply(Room.Playback, command, participant.Role, Now, LeadMs());
        if (!result.IsOk) return result;

        Room.Playback = result.Value!;
        EndWaiting();
        var updated = new PlaybackUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), PlaybackState = Room.Playback, By = userId };
        if (!await CommitAsync(updated)) return Unavailable<PlaybackState>();
        EnsureTickingIfPending();
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
        if (!await CommitAsync(chatEvent)) return Unavailable<ChatMessage>();
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
        if (!await CommitAsync(reaction)) return Unavailable<Done>();
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task<RoomResult<RoomView>> SetVideoAsync(string userId, MovieSource source)
    {
        if (Refuse<RoomView>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<RoomView>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        if (!ParticipantRoles.CanControl(participant.Role))
            return RoomResult<RoomView>.Fail(ErrorCodes.NotHost, "Only the host or a co-host sets the video.");

        Room.MovieSource = source;
        Room.Playback = PlaybackRules.Reset(Room.Playback, source.HasVideo, Now);
        EndWaiting();
        var seq = NextSeq();
        var view = View();
        if (!await CommitAsync(new RoomUpdatedEvent { RoomId = RoomId, Seq = seq, Room = view })) return Unavailable<RoomView>();
        return RoomResult<RoomView>.Ok(view);
    }

    public async Task<RoomResult<Done>> CloseAsync(string userId)
    {
        if (Refuse<Done>() is { } refused) return refused;
        if (Room.Participant(userId)?.Role != ParticipantRoles.Host)
            return RoomResult<Done>.Fail(ErrorCodes.NotHost, "Only the host closes the room.");

        Room.IsActive = false;
        EndWaiting();
        var closed = new RoomClosedEvent { RoomId = RoomId, Seq = NextSeq() };
        if (!await CommitAsync(closed)) return Unavailable<Done>();
        foreach (var (connectionId, node) in _connections.All())
            RemoveConnection(connectionId, node);
        _log.LogInformation("Room {RoomId} closed by {UserId}", RoomId, userId);
        return RoomResult<Done>.Ok(Done.Value);
    }

    public async Task DisconnectAsync(string connectionId)
    {
        if (_connections.NodeOf(connectionId) is not { } node) return;
        var userId = _connections.UserOf(connectionId);
        _connections.Remove(connectionId);
        _rttByConnection.Remove(connectionId);
        if (!_connections.NodeHasConnections(node)) _nodes.Unsubscribe(node);
        if (userId is not null) await AnnounceDroppedAsync([userId]);
    }

    public Task<IReadOnlyList<string>> SubscribeAsync(IRoomObserver node, IReadOnlyList<LocalConnection> connections)
    {
        var members = new List<LocalConnection>(connections.Count);
        var refused = new List<string>();
        foreach (var c in connections)
        {
            // A connection this room removed (left, kicked, banned, closed) stays out even if the
            // node never heard of its removal; it comes back only through join_room.
            if (Room.IsActive && Room.Participant(c.UserId) is not null && !_removedConnections.Contains(c.ConnectionId)) members.Add(c);
            else refused.Add(c.ConnectionId);
        }
        _connections.Replace(node, members);
        if (members.Count > 0) _nodes.Subscribe(node, node);
        else _nodes.Unsubscribe(node);
        if (_connections.IsConnected(Room.HostId)) HostIsBack();
        return Task.FromResult<IReadOnlyList<string>>(refused);
    }

    private async Task DropExpiredNodesAsync()
    {
        _nodes.ClearExpired();
        var before = _connections.UsersConnected.ToList();
        _connections.RemoveWhere(node => !_nodes.Observers.ContainsKey(node));
        await AnnounceDroppedAsync(before.Where(u => !_connections.IsConnected(u)).ToList());
    }

    /// <summary>Members whose last connection went: <c>presence_changed</c>, and the host's grace period starts.</summary>
    private async Task AnnounceDroppedAsync(IReadOnlyList<string> userIds)
    {
        var gone = userIds.Where(u => !_connections.IsConnected(u) && Room.Participant(u) is not null).ToList();
        if (gone.Count == 0 || !Room.IsActive) return;
        var events = gone.Select(u => (RoomEvent)new PresenceChangedEvent { RoomId = RoomId, Seq = NextSeq(), UserId = u, Connected = false }).ToArray();
        foreach (var u in gone) _buffering.Remove(u);
        if (!await CommitAsync(events)) return;
        if (gone.Contains(Room.HostId)) HostWentAway();
        if (Room.Playback.Status == PlaybackStatus.Waiting) await ResumeIfAllReadyAsync();
    }

    /// <summary>Persists, then broadcasts: the order every accepted change follows. False when the write failed.</summary>
    private async Task<bool> CommitAsync(params RoomEvent[] events)
    {
        if (!await TryPersistAsync()) return false;
        foreach (var roomEvent in events) Broadcast(roomEvent);
        return true;
    }

    private void Broadcast(RoomEvent roomEvent)
    {
        roomEvent = roomEvent with { PublishedAt = CinemaSyncTelemetry.NowTicks };
        CinemaSyncTelemetry.EventsPublished.Add(1);
        _log.LogDebug("Room {RoomId}: {Event} seq {Seq}", RoomId, roomEvent.Name, roomEvent.Seq);
        _recentEvents.AddLast(roomEvent);
        if (_recentEvents.Count > ResumeWindow) _recentEvents.RemoveFirst();
        _nodes.Notify(node => node.OnRoomEventAsync(roomEvent));
    }

    /// <summary>A message for some connections only, one call per node that holds any of them.</summary>
    private void SendTo(IEnumerable<string> connectionIds, RoomMessage message)
    {
        message = message with { PublishedAt = CinemaSyncTelemetry.NowTicks };
        foreach (var byNode in connectionIds.Select(id => (Id: id, Node: _connections.NodeOf(id))).Where(c => c.Node is not null).GroupBy(c => c.Node!))
            _ = byNode.Key.OnDirectedAsync(byNode.Select(c => c.Id).ToList(), message);
    }

    private void RemoveConnection(string connectionId, IRoomObserver node)
    {
        _removedConnections.Add(connectionId);
        _connections.Remove(connectionId);
        _rttByConnection.Remove(connectionId);
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

    /// <summary>Refusals for commands only the host or a co-host may give.</summary>
    private RoomResult<T>? RefuseUnlessController<T>(string userId, bool hostOnly = false)
    {
        if (Refuse<T>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<T>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
        if (hostOnly ? participant.Role != ParticipantRoles.Host : !ParticipantRoles.CanControl(participant.Role))
            return RoomResult<T>.Fail(ErrorCodes.NotHost, hostOnly ? "Only the host can do this." : "Only the host or a co-host can do this.");
        return null;
    }

    /// <summary>Writes the state; on failure restores the stored state so memory never runs ahead of the store.</summary>
    private async Task<bool> TryPersistAsync()
    {
        using var activity = CinemaSyncTelemetry.Source.StartActivity("room.persist");
        activity?.SetTag("cinemasync.room_id", RoomId);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await _state.WriteStateAsync();
            CinemaSyncTelemetry.StorageWriteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("state", StateNames.Room));
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
        Sync = SyncOf(p.UserId),
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
        Queue = Room.Queue.ToList(),
        LastActivityAt = Room.LastActivityAt,
    };
}

using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// One room as a state machine, free of Orleans, I/O and clocks. <see cref="Decide{T}"/> answers a
/// command at a given server time: a refusal that changes nothing, or the changes it accepts, each
/// applied through <see cref="Apply"/> as it is made (so a later step of the same command sees the
/// earlier ones). <see cref="Tick"/> makes the time-driven transitions and says when it is next due.
/// State changes only through <see cref="Apply"/>: replaying the accepted changes on an empty room
/// rebuilds the same room.
/// </summary>
internal sealed partial class RoomCore
{
    public const int ChatHistoryLength = 100;

    private readonly RoomGrainOptions _options;

    public RoomCore(string roomId, RoomGrainOptions options, RoomState? state = null)
    {
        RoomId = roomId;
        _options = options;
        State = state ?? new RoomState();
        Presence = new RoomPresence(options);
    }

    public string RoomId { get; }

    /// <summary>What the store keeps.</summary>
    public RoomState State { get; private set; }

    /// <summary>What the web nodes rebuild.</summary>
    public RoomPresence Presence { get; }

    public Decision<T> Decide<T>(RoomCommand<T> command, long now)
    {
        var d = new Draft(this, now);
        object result = command switch
        {
            CreateRoom c => Create(d, c),
            BeginPasswordCheck c => BeginPasswordCheck(d, c.UserId),
            FinishPasswordCheck c => FinishPasswordCheck(d, c),
            JoinRoom c => Join(d, c),
            LeaveRoom c => Leave(d, c.UserId),
            UpdatePlayback c => UpdatePlayback(d, c),
            SendChat c => SendChat(d, c),
            React c => React(d, c),
            SetVideo c => SetVideo(d, c),
            CloseRoom c => Close(d, c.UserId),
            Disconnect c => Disconnect(d, c.ConnectionId),
            Subscribe c => Subscribe(d, c),
            ReportRtt c => ReportRtt(d, c),
            ReportStatus c => ReportStatus(d, c),
            SetRole c => SetRole(d, c),
            TransferHost c => TransferHost(d, c),
            Kick c => Kick(d, c),
            UpdateSettings c => UpdateSettings(d, c),
            QueueAdd c => QueueAdd(d, c),
            QueueRemove c => QueueRemove(d, c),
            QueueMove c => QueueMove(d, c),
            PlayNext c => PlayNext(d, c.UserId),
            RecordInvite c => RecordInvite(d, c),
            SubtitleAdd c => SubtitleAdd(d, c),
            SubtitleRemove c => SubtitleRemove(d, c),
            SubtitleRename c => SubtitleRename(d, c),
            SetSubtitleDefault c => SetSubtitleDefault(d, c),
            ChooseSubtitle c => ChooseSubtitle(d, c),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown room command."),
        };
        return d.Finish((RoomResult<T>)result);
    }

    /// <summary>
    /// The time-driven transitions due at <paramref name="now"/>, in this order: nodes that stopped
    /// re-subscribing, the buffer timeout, host failover, queue advance, <c>member_status</c>.
    /// </summary>
    public Decision<Done> Tick(long now)
    {
        var d = new Draft(this, now);
        var expiryMs = (long)_options.NodeExpiry.TotalMilliseconds;
        foreach (var node in Presence.NodesSeen.Where(n => n.SeenAt + expiryMs <= now).Select(n => n.NodeId).ToList())
        {
            var users = Presence.ConnectionsOfNode(node).Select(c => Presence.UserOf(c)!).Distinct().ToList();
            d.Emit(new NodeExpired(node));
            AnnounceDropped(d, users);
        }
        if (State.IsActive)
        {
            if (State.Playback.Status == PlaybackStatus.Waiting && now - State.Playback.UpdatedAt >= State.Settings.BufferTimeoutMs)
                BufferTimeout(d);
            if (Presence.HostAwaySince is { } since && now - since >= State.Settings.HostGraceMs)
                HostFailover(d);
            if (CurrentVideoEnded(now) && State.Queue.Count > 0)
                Advance(d, by: null);
            FlushMemberStatus(d);
        }
        return d.Finish(RoomResult<Done>.Ok(Done.Value)) with { NextDue = NextDue() };
    }

    /// <summary>When <see cref="Tick"/> would next have something to do (epoch ms); null when nothing is pending.</summary>
    public long? NextDue()
    {
        long? due = null;
        void At(long t) => due = due is { } d ? Math.Min(d, t) : t;

        var expiryMs = (long)_options.NodeExpiry.TotalMilliseconds;
        foreach (var (_, seenAt) in Presence.NodesSeen) At(seenAt + expiryMs);
        if (!State.IsActive) return due;
        if (State.Playback.Status == PlaybackStatus.Waiting) At(State.Playback.UpdatedAt + State.Settings.BufferTimeoutMs);
        // With nobody to take over, failover waits for someone to connect (any command re-arms the tick).
        if (Presence.HostAwaySince is { } since && Presence.UsersConnected.Any(u => State.Participant(u) is not null))
            At(since + State.Settings.HostGraceMs);
        if (State.Queue.Count > 0 && State.Playback.Status == PlaybackStatus.Playing && State.MovieSource.DurationMs is { } duration)
            At(PlaybackTransitions.EndsAt(State.Playback, duration));
        if (Presence.MemberStatusDue) At(Presence.MemberStatusSentAt + SyncRules.MemberStatusIntervalMs);
        return due;
    }

    /// <summary>The only way the room changes.</summary>
    public void Apply(RoomChange change)
    {
        if (change is SoftChange soft)
        {
            Presence.Apply(soft);
            return;
        }
        if (change is NumberedChange numbered)
        {
            if (numbered.Seq != State.Seq + 1)
                throw new InvalidOperationException($"Room {RoomId}: event seq {numbered.Seq} does not follow {State.Seq}.");
            State.Seq = numbered.Seq;
            State.LastActivityAt = numbered.At;
        }
        switch (change)
        {
            case RoomCreated c:
                State = new RoomState
                {
                    Name = c.Name,
                    HostId = c.HostId,
                    IsPrivate = c.IsPrivate,
                    PasswordHash = c.PasswordHash,
                    IsActive = true,
                    CreatedAt = c.At,
                    LastActivityAt = c.At,
                    MovieSource = c.MovieSource,
                    Settings = c.Settings,
                    Playback = c.Playback,
                    Participants = [new ParticipantState { UserId = c.HostId, DisplayName = c.HostName, Role = ParticipantRoles.Host, JoinedAt = c.At }],
                };
                break;
            case MemberJoined j:
                State.AddParticipant(new ParticipantState { UserId = j.UserId, DisplayName = j.DisplayName, Role = j.Role, JoinedAt = j.At });
                if (j.Role == ParticipantRoles.Host) State.HostId = j.UserId;
                break;
            case MemberLeft l:
                State.RemoveParticipant(l.UserId);
                if (l.HeirId is { } heir)
                {
                    State.Participant(heir)!.Role = ParticipantRoles.Host;
                    State.HostId = heir;
                }
                if (l.Banned && !State.Banned.Contains(l.UserId)) State.Banned.Add(l.UserId);
                break;
            case PlaybackChanged p:
                State.Playback = p.Playback;
                break;
            case VideoChanged v:
                State.MovieSource = v.MovieSource;
                State.Playback = v.Playback;
                break;
            case SettingsChanged s:
                State.Settings = s.Settings;
                break;
            case RoomClosed:
                State.IsActive = false;
                break;
            case HostChanged h:
                if (State.Participant(State.HostId) is { } oldHost) oldHost.Role = ParticipantRoles.CoHost;
                State.Participant(h.HostId)!.Role = ParticipantRoles.Host;
                State.HostId = h.HostId;
                break;
            case RoleChanged r:
                State.Participant(r.UserId)!.Role = r.Role;
                break;
            case QueueChanged q:
                State.Queue = [.. q.Queue];
                break;
            case UserBanned b:
                if (!State.Banned.Contains(b.UserId)) State.Banned.Add(b.UserId);
                break;
            case InviteRecorded i:
                State.InviteExpiries.RemoveAll(at => at <= i.At);
                State.InviteExpiries.Add(i.ExpiresAt);
                break;
            case SubtitlesChanged s:
                State.MovieSource = State.MovieSource with { Subtitles = s.Tracks.Count == 0 ? null : [.. s.Tracks], SubtitleDefault = s.DefaultTrackId };
                break;
            case SubtitleChosen s:
                RememberSubtitle(s.UserId, s.TrackId);
                break;
            // Chat history is read from the journal (RoomHistory), not kept in the state.
            case RoomAnnounced or ReactionSent or PresenceChanged or ChatPosted:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "Unknown room change.");
        }
    }

    public RoomView View(long now) => new()
    {
        RoomId = RoomId,
        Name = State.Name,
        HostId = State.HostId,
        IsPrivate = State.IsPrivate,
        IsActive = State.IsActive,
        CreatedAt = State.CreatedAt,
        MovieSource = State.MovieSource,
        Settings = State.Settings,
        Participants = State.Participants.Select(p => ViewOf(p, now)).ToList(),
        PlaybackState = State.Playback,
        Seq = State.Seq,
        Queue = State.Queue.ToList(),
        LastActivityAt = State.LastActivityAt,
    };

    /// <summary>The full room, for the server's own checks; null when there is no such room.</summary>
    public RoomView? Find(long now) => State.Exists ? View(now) : null;

    /// <summary>The room as <paramref name="userId"/> may see it: the full room for a participant only.</summary>
    public RoomLookup? Lookup(string userId, long now)
    {
        if (!State.Exists) return null;
        var preview = new RoomPreview
        {
            RoomId = RoomId,
            Name = State.Name,
            IsPrivate = State.IsPrivate,
            IsActive = State.IsActive,
            ParticipantCount = State.Participants.Count,
        };
        return new RoomLookup { Preview = preview, Room = State.Participant(userId) is null ? null : View(now) };
    }

    public string? RoleOf(string userId) => State.Participant(userId)?.Role;

    private ParticipantView ViewOf(ParticipantState p, long now) => new()
    {
        UserId = p.UserId,
        DisplayName = p.DisplayName,
        Role = p.Role,
        Connected = Presence.IsConnected(p.UserId),
        Sync = Presence.SyncOf(p.UserId, now),
    };

    /// <summary>The room event a numbered change is broadcast as, from the room right after it.</summary>
    private RoomEvent Project(NumberedChange change, long now) => change switch
    {
        MemberJoined j => new UserJoinedEvent { RoomId = RoomId, Seq = j.Seq, User = ViewOf(State.Participant(j.UserId)!, now) },
        MemberLeft l => new UserLeftEvent { RoomId = RoomId, Seq = l.Seq, UserId = l.UserId },
        RoomAnnounced or VideoChanged or SettingsChanged or SubtitlesChanged => new RoomUpdatedEvent { RoomId = RoomId, Seq = change.Seq, Room = View(now) },
        PlaybackChanged p => new PlaybackUpdatedEvent { RoomId = RoomId, Seq = p.Seq, PlaybackState = p.Playback, By = p.By },
        ChatPosted c => new NewChatMessageEvent { RoomId = RoomId, Seq = c.Seq, Message = c.Message },
        ReactionSent r => new NewReactionEvent { RoomId = RoomId, Seq = r.Seq, UserId = r.UserId, Emoji = r.Emoji, SentAt = r.At },
        RoomClosed => new RoomClosedEvent { RoomId = RoomId, Seq = change.Seq },
        HostChanged h => new HostChangedEvent { RoomId = RoomId, Seq = h.Seq, HostId = h.HostId, By = h.By },
        RoleChanged r => new RoleChangedEvent { RoomId = RoomId, Seq = r.Seq, UserId = r.UserId, Role = r.Role },
        PresenceChanged p => new PresenceChangedEvent { RoomId = RoomId, Seq = p.Seq, UserId = p.UserId, Connected = p.Connected },
        QueueChanged q => new QueueUpdatedEvent { RoomId = RoomId, Seq = q.Seq, Queue = q.Queue },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "Not a room event."),
    };

    /// <summary>A decision being made: every change is stamped, applied and recorded as it is emitted.</summary>
    private sealed class Draft(RoomCore core, long now)
    {
        private readonly List<RoomChange> _changes = [];
        private readonly List<RoomEvent> _events = [];
        private readonly List<RoomNotice> _notices = [];
        private readonly HashSet<string> _nodesTouched = [];

        public long Now { get; } = now;

        public void Emit(RoomChange change)
        {
            change = change with { At = Now };
            if (change is NumberedChange numbered) change = numbered with { Seq = core.State.Seq + 1 };
            var node = change switch
            {
                ConnectionClosed c => core.Presence.NodeOf(c.ConnectionId),
                NodeSubscribed s => s.NodeId,
                NodeExpired e => e.NodeId,
                _ => null,
            };
            if (node is not null) _nodesTouched.Add(node);
            core.Apply(change);
            _changes.Add(change);
            if (change is NumberedChange accepted) _events.Add(core.Project(accepted, Now));
        }

        public void Notice(RoomNotice notice) => _notices.Add(notice);

        public Decision<T> Finish<T>(RoomResult<T> result)
        {
            if (!result.IsOk && _changes.Count > 0)
                throw new InvalidOperationException($"Room {core.RoomId}: a refusal changed the room.");
            foreach (var node in _nodesTouched.Where(n => !core.Presence.NodeHasConnections(n)))
                _notices.Add(new NodeGone(node));
            return new Decision<T>(result, _changes, _events, _notices);
        }
    }
}

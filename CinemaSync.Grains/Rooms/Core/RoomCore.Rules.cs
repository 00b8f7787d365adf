using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>The room's rules, one method per command or transition; each refuses before it emits anything.</summary>
internal sealed partial class RoomCore
{
    private static RoomResult<T> Ok<T>(T value) => RoomResult<T>.Ok(value);
    private static RoomResult<T> Fail<T>(string error, string message, T? value = default) => RoomResult<T>.Fail(error, message, value);
    private static RoomResult<Done> Accepted => RoomResult<Done>.Ok(Done.Value);

    /// <summary>The refusals every command on a room shares.</summary>
    private RoomResult<T>? Refuse<T>()
    {
        if (!State.Exists) return Fail<T>(ErrorCodes.RoomNotFound, "Room not found.");
        if (!State.IsActive) return Fail<T>(ErrorCodes.RoomClosed, "The room is closed.");
        return null;
    }

    private RoomResult<T>? RefuseUnlessMember<T>(string userId, out ParticipantState participant)
    {
        participant = null!;
        if (Refuse<T>() is { } refused) return refused;
        if (State.Participant(userId) is not { } p) return Fail<T>(ErrorCodes.NotMember, "You are not a member of this room.");
        participant = p;
        return null;
    }

    /// <summary>Refusals for commands only the host (or a co-host, unless <paramref name="hostOnly"/>) may give.</summary>
    private RoomResult<T>? RefuseUnlessController<T>(string userId, bool hostOnly = false)
    {
        if (RefuseUnlessMember<T>(userId, out var participant) is { } refused) return refused;
        if (hostOnly ? participant.Role != ParticipantRoles.Host : !ParticipantRoles.CanControl(participant.Role))
            return Fail<T>(ErrorCodes.NotHost, hostOnly ? "Only the host can do this." : "Only the host or a co-host can do this.");
        return null;
    }

    private RoomResult<RoomView> Create(Draft d, CreateRoom command)
    {
        if (State.Exists) return Fail<RoomView>(ErrorCodes.RoomExists, "That room id is taken.");
        var c = command.Command;
        d.Emit(new RoomCreated(c.Name, c.Host.UserId, c.Host.DisplayName, c.IsPrivate, c.IsPrivate && c.Password is { } password ? command.HashPassword(password) : null,
            c.MovieSource, c.Settings, PlaybackTransitions.Initial(c.MovieSource.HasVideo, d.Now)));
        return Ok(View(d.Now));
    }

    private RoomResult<string?> BeginPasswordCheck(Draft d, string userId)
    {
        // Nothing to check: the join refuses (no room, closed, banned) or lets the user in.
        if (!State.Exists || !State.IsActive || !State.IsPrivate || State.PasswordHash is not { } hash
            || State.Participant(userId) is not null || State.Banned.Contains(userId))
            return Ok<string?>(null);
        // Counted before checking, so that guesses sent at once cannot all be checked.
        if (!Presence.Passwords.MayTry(userId, d.Now, out var retryInMs))
            return Fail<string?>(ErrorCodes.RateLimited,
                $"Too many wrong passwords for this room; try again in {Math.Max(1, (retryInMs + 59_999) / 60_000)} minute(s).");
        d.Emit(new PasswordAttempt(userId, PasswordAttemptKind.Counted));
        return Ok<string?>(hash);
    }

    private RoomResult<Done> FinishPasswordCheck(Draft d, FinishPasswordCheck command)
    {
        if (!command.Right) return Fail<Done>(ErrorCodes.InvalidPassword, "Invalid password.");
        d.Emit(new PasswordAttempt(command.UserId, PasswordAttemptKind.Admitted));
        return Accepted;
    }

    private RoomResult<JoinReply> Join(Draft d, JoinRoom command)
    {
        if (Refuse<JoinReply>() is { } refused) return refused;
        var user = command.User;
        if (State.Banned.Contains(user.UserId)) return Fail<JoinReply>(ErrorCodes.Banned, "You are banned from this room.");
        var seqBefore = State.Seq;
        var isNew = State.Participant(user.UserId) is null;
        if (isNew)
        {
            var needsAdmission = State.IsPrivate && !command.Invited;
            if (needsAdmission && !Presence.Passwords.HasAdmission(user.UserId, d.Now))
                return Fail<JoinReply>(ErrorCodes.InvalidPassword, "Invalid password.");
            if (State.Participants.Count >= State.Settings.MaxParticipants)
                return Fail<JoinReply>(ErrorCodes.RoomFull, $"The room is full ({State.Settings.MaxParticipants} participants).");
            if (needsAdmission) d.Emit(new PasswordAttempt(user.UserId, PasswordAttemptKind.AdmissionUsed));
            if (command.ConnectionId is { } connectionId) d.Emit(new ConnectionOpened(connectionId, user.UserId, command.NodeId!));
            // Nobody left to host an emptied room: the first to come back takes it.
            d.Emit(new MemberJoined(user.UserId, user.DisplayName, State.Participants.Count == 0 ? ParticipantRoles.Host : ParticipantRoles.Member));
        }
        else if (command.ConnectionId is { } connectionId)
        {
            var wasConnected = Presence.IsConnected(user.UserId);
            d.Emit(new ConnectionOpened(connectionId, user.UserId, command.NodeId!));
            if (!wasConnected) d.Emit(new PresenceChanged(user.UserId, Connected: true));
        }
        if (user.UserId == State.HostId) HostIsBack(d);

        var view = View(d.Now);
        if (command.ConnectionId is { } joiner)
        {
            d.Notice(new NodeListening(command.NodeId!));
            d.Notice(new ConnectionJoined(command.NodeId!, joiner, new RoomJoinedEvent { RoomId = RoomId, Seq = State.Seq, Room = view }));
        }
        return Ok(new JoinReply(new JoinResult { Room = view, ChatHistory = [], Subtitle = SubtitleOf(user.UserId) }, isNew, seqBefore));
    }

    private RoomResult<Done> Leave(Draft d, string userId)
    {
        if (!State.Exists) return Fail<Done>(ErrorCodes.RoomNotFound, "Room not found.");
        if (State.Participant(userId) is null) return Fail<Done>(ErrorCodes.NotMember, "You are not a member of this room.");
        RemoveParticipant(d, userId, kicked: false, ban: false);
        return Accepted;
    }

    /// <summary>Leave and kick share this: the participant goes, host passes on if it was the host.</summary>
    private void RemoveParticipant(Draft d, string userId, bool kicked, bool ban)
    {
        var participant = State.Participant(userId)!;
        var connections = Presence.OfUser(userId);
        var heir = participant.Role == ParticipantRoles.Host
            ? State.Participants.Where(p => p.UserId != userId).MinBy(p => p.JoinedAt)?.UserId
            : null;
        d.Emit(new MemberForgotten(userId));
        if (kicked)
            foreach (var byNode in connections.GroupBy(c => c.NodeId))
                d.Notice(new Directed(byNode.Key, byNode.Select(c => c.ConnectionId).ToList(), new KickedMessage { RoomId = RoomId, Banned = ban }, First: true));
        d.Emit(new MemberLeft(userId, ban, heir));
        if (heir is not null) d.Emit(new RoomAnnounced());
        RemoveConnections(d, connections);
    }

    private static void RemoveConnections(Draft d, IEnumerable<(string ConnectionId, string NodeId)> connections)
    {
        foreach (var (connectionId, node) in connections)
        {
            d.Emit(new ConnectionClosed(connectionId, Removed: true));
            d.Notice(new ConnectionRemoved(node, connectionId));
        }
    }

    private RoomResult<PlaybackState> UpdatePlayback(Draft d, UpdatePlayback command)
    {
        if (RefuseUnlessMember<PlaybackState>(command.UserId, out var participant) is { } refused) return refused;
        if (!ParticipantRoles.CanControl(participant.Role))
            return Fail<PlaybackState>(ErrorCodes.NotHost, "Only the host or a co-host controls playback.");
        if (PlaybackValues.Check(command.Command) is { } problem)
            return Fail<PlaybackState>(ErrorCodes.InvalidPayload, problem);
        var current = State.Playback;
        if (command.Command.BaseVersion is { } baseVersion && baseVersion != current.Version)
            return Fail(ErrorCodes.StaleVersion, $"base_version {baseVersion} is not the current version {current.Version}.", current);

        var lead = LeadMs();
        EndWaiting(d);
        d.Emit(new PlaybackChanged(PlaybackTransitions.Command(current, command.Command, d.Now, lead), command.UserId));
        return Ok(State.Playback);
    }

    private RoomResult<ChatMessage> SendChat(Draft d, SendChat command)
    {
        if (RefuseUnlessMember<ChatMessage>(command.UserId, out var participant) is { } refused) return refused;
        if (!State.Settings.ChatEnabled) return Fail<ChatMessage>(ErrorCodes.ChatDisabled, "Chat is disabled in this room.");
        var text = command.Text.Trim();
        if (!TextRules.LengthWithin(text, 1, TextRules.ChatMaxLength))
            return Fail<ChatMessage>(ErrorCodes.InvalidPayload, $"text must be 1 to {TextRules.ChatMaxLength} characters.");
        var message = new ChatMessage
        {
            MessageId = command.MessageId,
            UserId = command.UserId,
            DisplayName = participant.DisplayName,
            Text = text,
            SentAt = d.Now,
        };
        d.Emit(new ChatPosted(message));
        return Ok(message);
    }

    private RoomResult<Done> React(Draft d, React command)
    {
        if (RefuseUnlessMember<Done>(command.UserId, out _) is { } refused) return refused;
        if (!State.Settings.ReactionsEnabled) return Fail<Done>(ErrorCodes.ReactionsDisabled, "Reactions are disabled in this room.");
        if (string.IsNullOrWhiteSpace(command.Emoji) || !TextRules.LengthWithin(command.Emoji, 1, TextRules.EmojiMaxLength))
            return Fail<Done>(ErrorCodes.InvalidPayload, $"emoji must be 1 to {TextRules.EmojiMaxLength} characters.");
        d.Emit(new ReactionSent(command.UserId, command.Emoji));
        return Accepted;
    }

    private RoomResult<RoomView> SetVideo(Draft d, SetVideo command)
    {
        if (RefuseUnlessMember<RoomView>(command.UserId, out var participant) is { } refused) return refused;
        if (!ParticipantRoles.CanControl(participant.Role))
            return Fail<RoomView>(ErrorCodes.NotHost, "Only the host or a co-host sets the video.");
        EndWaiting(d);
        d.Emit(new VideoChanged(command.Source, PlaybackTransitions.Reset(State.Playback, command.Source.HasVideo, d.Now)));
        return Ok(View(d.Now));
    }

    private RoomResult<Done> Close(Draft d, string userId)
    {
        if (Refuse<Done>() is { } refused) return refused;
        if (State.Participant(userId)?.Role != ParticipantRoles.Host)
            return Fail<Done>(ErrorCodes.NotHost, "Only the host closes the room.");
        EndWaiting(d);
        d.Emit(new RoomClosed());
        RemoveConnections(d, Presence.All());
        return Accepted;
    }

    private RoomResult<Done> Disconnect(Draft d, string connectionId)
    {
        if (Presence.UserOf(connectionId) is not { } userId) return Accepted;
        d.Emit(new ConnectionClosed(connectionId, Removed: false));
        AnnounceDropped(d, [userId]);
        return Accepted;
    }

    private RoomResult<IReadOnlyList<string>> Subscribe(Draft d, Subscribe command)
    {
        var members = new List<LocalConnection>(command.Connections.Count);
        var refused = new List<string>();
        foreach (var c in command.Connections)
        {
            // A connection this room removed (left, kicked, banned, closed) stays out even if the
            // node never heard of its removal; it comes back only through join_room.
            if (State.IsActive && State.Participant(c.UserId) is not null && !Presence.WasRemoved(c.ConnectionId)) members.Add(c);
            else refused.Add(c.ConnectionId);
        }
        d.Emit(new NodeSubscribed(command.NodeId, members));
        if (members.Count > 0) d.Notice(new NodeListening(command.NodeId));
        if (Presence.IsConnected(State.HostId)) HostIsBack(d);
        return Ok<IReadOnlyList<string>>(refused);
    }

    /// <summary>Members whose last connection went: <c>presence_changed</c>, and the host's grace period starts.</summary>
    private void AnnounceDropped(Draft d, IReadOnlyList<string> userIds)
    {
        var gone = userIds.Distinct().Where(u => !Presence.IsConnected(u) && State.Participant(u) is not null).ToList();
        if (gone.Count == 0 || !State.IsActive) return;
        foreach (var userId in gone) d.Emit(new PresenceChanged(userId, Connected: false));
        foreach (var userId in gone.Where(Presence.IsBuffering)) d.Emit(new BufferingChanged(userId, Buffering: false));
        if (gone.Contains(State.HostId) && Presence.HostAwaySince is null) d.Emit(new HostAway(d.Now));
        ResumeIfAllReady(d);
    }

    private RoomResult<Done> ReportRtt(Draft d, ReportRtt command)
    {
        if (Presence.UserOf(command.ConnectionId) is not { } userId) return Accepted;
        d.Emit(new RttReported(command.ConnectionId, command.RttMs));
        UpdateSync(d, userId, s => s with { RttMs = Presence.UserRtt(userId) });
        return Accepted;
    }

    private RoomResult<Done> ReportStatus(Draft d, ReportStatus command)
    {
        if (RefuseUnlessMember<Done>(command.UserId, out var participant) is { } refused) return refused;
        if (StatusValues.Check(command.Report) is { } problem) return Fail<Done>(ErrorCodes.InvalidPayload, problem);
        var (userId, report) = (command.UserId, command.Report);
        UpdateSync(d, userId, s => s with
        {
            DriftMs = State.Playback.Status == PlaybackStatus.Playing ? SyncRules.DriftMs(State.Playback, report.Position, d.Now) : 0,
            RttMs = report.RttMs ?? s.RttMs,
        });
        switch (report.State)
        {
            case MemberStates.Buffering when Presence.CanHoldTheRoom(userId, d.Now):
                if (!Presence.IsBuffering(userId)) d.Emit(new BufferingChanged(userId, Buffering: true));
                UpdateSync(d, userId, s => s with { Status = SyncStatuses.Buffering });
                if (State.Playback.Status == PlaybackStatus.Playing && State.Settings.WaitForBuffering)
                    d.Emit(new PlaybackChanged(PlaybackTransitions.Wait(State.Playback, d.Now), userId));
                break;
            case MemberStates.Ready:
                if (Presence.IsBuffering(userId))
                {
                    d.Emit(new BufferingChanged(userId, Buffering: false));
                    UpdateSync(d, userId, s => s with { Status = SyncStatuses.Ok });
                }
                ResumeIfAllReady(d);
                break;
            case MemberStates.Ended when ParticipantRoles.CanControl(participant.Role) && State.Queue.Count > 0:
                Advance(d, by: null);
                break;
        }
        return Accepted;
    }

    /// <summary>Leaves <c>waiting</c> once no connected member is buffering.</summary>
    private void ResumeIfAllReady(Draft d)
    {
        if (State.Playback.Status != PlaybackStatus.Waiting || Presence.Buffering.Any(Presence.IsConnected)) return;
        Resume(d);
    }

    private void Resume(Draft d)
    {
        var lead = LeadMs();
        if (Presence.Buffering.Any()) d.Emit(new BufferingChanged(null, Buffering: false));
        d.Emit(new PlaybackChanged(PlaybackTransitions.Resume(State.Playback, d.Now, lead), By: null));
    }

    /// <summary>Members still buffering past the timeout catch up on their own for a while; everyone else goes on.</summary>
    private void BufferTimeout(Draft d)
    {
        foreach (var userId in Presence.Buffering.Where(Presence.IsConnected).ToList())
        {
            d.Emit(new CatchingUp(userId, d.Now + SyncRules.CatchingUpMs));
            UpdateSync(d, userId, s => s with { Status = SyncStatuses.CatchingUp });
        }
        Resume(d);
    }

    /// <summary>Host, settings or video changed under a waiting room: waiting no longer applies.</summary>
    private void EndWaiting(Draft d)
    {
        if (Presence.Buffering.Any()) d.Emit(new BufferingChanged(null, Buffering: false));
        foreach (var userId in Presence.ShownBuffering.ToList())
            UpdateSync(d, userId, s => s with { Status = SyncStatuses.Ok });
    }

    private void UpdateSync(Draft d, string userId, Func<MemberSync, MemberSync> change)
    {
        var before = Presence.SyncOf(userId, d.Now);
        var after = change(before);
        if (after != before) d.Emit(new SyncChanged(userId, after));
    }

    /// <summary>The scheduled-start lead for the members connected now.</summary>
    private int LeadMs() => SyncRules.LeadMs(Presence.UsersConnected.Select(Presence.UserRtt));

    private bool CurrentVideoEnded(long now) =>
        State.Playback.Status == PlaybackStatus.Playing && State.MovieSource.DurationMs is { } duration
        && now >= PlaybackTransitions.EndsAt(State.Playback, duration);

    /// <summary>member_status to the host and co-hosts, at most once a second, only when something changed.</summary>
    private void FlushMemberStatus(Draft d)
    {
        if (!Presence.MemberStatusDue || d.Now - Presence.MemberStatusSentAt < SyncRules.MemberStatusIntervalMs) return;
        d.Emit(new MemberStatusSent());
        var controllers = State.Participants.Where(p => ParticipantRoles.CanControl(p.Role)).SelectMany(p => Presence.OfUser(p.UserId)).ToList();
        if (controllers.Count == 0) return;
        var members = State.Participants.Select(p => (p.UserId, Sync: Presence.SyncOf(p.UserId, d.Now)))
            .Select(m => new MemberStatusEntry { UserId = m.UserId, DriftMs = m.Sync.DriftMs, RttMs = m.Sync.RttMs, Status = m.Sync.Status })
            .ToList();
        var message = new MemberStatusMessage { RoomId = RoomId, Members = members };
        foreach (var byNode in controllers.GroupBy(c => c.NodeId))
            d.Notice(new Directed(byNode.Key, byNode.Select(c => c.ConnectionId).ToList(), message));
    }

    private RoomResult<Done> SetRole(Draft d, SetRole command)
    {
        if (RefuseUnlessController<Done>(command.UserId, hostOnly: true) is { } refused) return refused;
        if (ParticipantRoles.AssignableProblem(command.Role) is { } problem)
            return Fail<Done>(ErrorCodes.InvalidPayload, "role " + problem);
        if (State.Participant(command.TargetUserId) is not { } target)
            return Fail<Done>(ErrorCodes.NotMember, "That user is not a member of this room.");
        if (target.Role == ParticipantRoles.Host)
            return Fail<Done>(ErrorCodes.Forbidden, "The host's role changes only by transferring host.");
        if (target.Role != command.Role) d.Emit(new RoleChanged(command.TargetUserId, command.Role));
        return Accepted;
    }

    private RoomResult<Done> TransferHost(Draft d, TransferHost command)
    {
        if (RefuseUnlessController<Done>(command.UserId, hostOnly: true) is { } refused) return refused;
        if (State.Participant(command.TargetUserId) is null || command.TargetUserId == command.UserId)
            return Fail<Done>(ErrorCodes.NotMember, "Host can pass only to another member of this room.");
        ChangeHost(d, command.TargetUserId, by: command.UserId);
        return Accepted;
    }

    /// <summary>The old host becomes a co-host; <c>host_changed</c> and <c>room_updated</c> follow.</summary>
    private void ChangeHost(Draft d, string newHostId, string? by)
    {
        d.Emit(new HostChanged(newHostId, by));
        long? awaySince = Presence.IsConnected(newHostId) ? null : d.Now;
        if (awaySince != Presence.HostAwaySince) d.Emit(new HostAway(awaySince));
        d.Emit(new RoomAnnounced());
    }

    private void HostIsBack(Draft d)
    {
        if (Presence.HostAwaySince is not null) d.Emit(new HostAway(null));
    }

    /// <summary>Who takes over from an absent host: the longest-present connected co-host, else connected member.</summary>
    private string? Heir() =>
        State.Participants.Where(p => p.UserId != State.HostId && Presence.IsConnected(p.UserId))
            .OrderBy(p => p.Role == ParticipantRoles.CoHost ? 0 : 1).ThenBy(p => p.JoinedAt).FirstOrDefault()?.UserId;

    /// <summary>The host stayed away past the grace period; with nobody connected the host stays, so a restarted server keeps its hosts.</summary>
    private void HostFailover(Draft d)
    {
        if (Presence.IsConnected(State.HostId))
            HostIsBack(d);
        else if (Heir() is { } heir)
            ChangeHost(d, heir, by: null);
    }

    private RoomResult<Done> Kick(Draft d, Kick command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        var (targetId, ban) = (command.TargetUserId, command.Ban);
        if (ban && State.Banned.Count >= _options.MaxBans && !State.Banned.Contains(targetId))
            return Fail<Done>(ErrorCodes.LimitReached, $"The room's ban list is full ({_options.MaxBans} users); kick without banning.");
        if (State.Participant(targetId) is not { } target)
        {
            if (!ban || State.Banned.Contains(targetId)) return Fail<Done>(ErrorCodes.NotMember, "That user is not a member of this room.");
            d.Emit(new UserBanned(targetId));
            return Accepted;
        }
        var actorRole = State.Participant(command.UserId)!.Role;
        if (target.Role == ParticipantRoles.Host || (target.Role == ParticipantRoles.CoHost && actorRole != ParticipantRoles.Host) || targetId == command.UserId)
            return Fail<Done>(ErrorCodes.Forbidden, "You cannot kick that member.");
        RemoveParticipant(d, targetId, kicked: true, ban);
        return Accepted;
    }

    private RoomResult<RoomSettings> UpdateSettings(Draft d, UpdateSettings command)
    {
        if (RefuseUnlessController<RoomSettings>(command.UserId, hostOnly: true) is { } refused) return refused;
        var merged = command.Patch.MergeInto(State.Settings);
        if (SettingsValues.Check(merged) is { } problem) return Fail<RoomSettings>(ErrorCodes.InvalidPayload, problem);
        if (merged == State.Settings) return Ok(State.Settings);

        d.Emit(new SettingsChanged(merged));
        if (!merged.WaitForBuffering && State.Playback.Status == PlaybackStatus.Waiting) Resume(d);
        return Ok(merged);
    }

    private RoomResult<QueueItem> QueueAdd(Draft d, QueueAdd command)
    {
        if (RefuseUnlessController<QueueItem>(command.UserId) is { } refused) return refused;
        var source = command.Source;
        if (!source.HasVideo) return Fail<QueueItem>(ErrorCodes.InvalidPayload, "A queue item needs a video (a url or a file_id).");
        if (TracksProblem(source) is { } tracksProblem) return Fail<QueueItem>(ErrorCodes.InvalidPayload, tracksProblem);
        if (State.Queue.Count >= _options.MaxQueueLength)
            return Fail<QueueItem>(ErrorCodes.LimitReached, $"The queue is full: it holds at most {_options.MaxQueueLength} items.");
        var item = new QueueItem { ItemId = command.ItemId, MovieSource = source, Title = command.Title ?? source.Name, DurationMs = source.DurationMs };
        d.Emit(new QueueChanged([.. State.Queue, item]));
        return Ok(item);
    }

    private RoomResult<Done> QueueRemove(Draft d, QueueRemove command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        if (!State.Queue.Exists(i => i.ItemId == command.ItemId)) return Fail<Done>(ErrorCodes.ItemNotFound, "No such item in the queue.");
        d.Emit(new QueueChanged(State.Queue.Where(i => i.ItemId != command.ItemId).ToList()));
        return Accepted;
    }

    private RoomResult<Done> QueueMove(Draft d, QueueMove command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        if (State.Queue.Find(i => i.ItemId == command.ItemId) is not { } item) return Fail<Done>(ErrorCodes.ItemNotFound, "No such item in the queue.");
        var queue = State.Queue.Where(i => i != item).ToList();
        queue.Insert(Math.Clamp(command.Index, 0, queue.Count), item);
        d.Emit(new QueueChanged(queue));
        return Accepted;
    }

    private RoomResult<PlaybackState> PlayNext(Draft d, string userId)
    {
        if (RefuseUnlessController<PlaybackState>(userId) is { } refused) return refused;
        if (State.Queue.Count == 0) return Fail<PlaybackState>(ErrorCodes.ItemNotFound, "The queue is empty.");
        Advance(d, by: userId);
        return Ok(State.Playback);
    }

    /// <summary>The next item becomes the video and starts playing from 0 with a scheduled start.</summary>
    private void Advance(Draft d, string? by)
    {
        var next = State.Queue[0];
        EndWaiting(d);
        var playback = PlaybackTransitions.StartNext(State.Playback, d.Now, LeadMs());
        d.Emit(new QueueChanged(State.Queue.Skip(1).ToList()));
        d.Emit(new VideoChanged(next.MovieSource with { DurationMs = next.DurationMs ?? next.MovieSource.DurationMs, Name = next.Title ?? next.MovieSource.Name }, playback));
        d.Emit(new PlaybackChanged(playback, by));
    }

    private RoomResult<Done> RecordInvite(Draft d, RecordInvite command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        if (State.InviteExpiries.Count(at => at > d.Now) >= _options.MaxPendingInvites)
            return Fail<Done>(ErrorCodes.LimitReached,
                $"The room has {_options.MaxPendingInvites} invites that have not expired; wait for some to expire.");
        d.Emit(new InviteRecorded(command.ExpiresAt));
        return Accepted;
    }
}

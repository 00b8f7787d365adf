using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>Scheduled starts, the buffering policy and sync health.</summary>
public sealed partial class RoomGrain
{
    private readonly Dictionary<string, int> _rttByConnection = new();
    private readonly Dictionary<string, MemberSync> _syncByUser = new();
    private readonly HashSet<string> _buffering = new();
    private readonly Dictionary<string, long> _catchingUpUntil = new();
    private long _waitingSince;
    private long? _hostAwaySince;
    private bool _memberStatusDirty;
    private long _memberStatusSentAt;
    private IGrainTimer? _tick;

    public Task ReportRttAsync(string connectionId, int rttMs)
    {
        if (_connections.UserOf(connectionId) is { } userId)
        {
            _rttByConnection[connectionId] = rttMs;
            UpdateSync(userId, s => s with { RttMs = UserRtt(userId) });
        }
        return Task.CompletedTask;
    }

    public async Task<RoomResult<Done>> ReportStatusAsync(string userId, StatusReport report)
    {
        if (Refuse<Done>() is { } refused) return refused;
        if (Room.Participant(userId) is not { } participant)
            return RoomResult<Done>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");

        var now = Now;
        UpdateSync(userId, s => s with
        {
            DriftMs = Room.Playback.Status == PlaybackStatus.Playing ? SyncRules.DriftMs(Room.Playback, report.Position, now) : 0,
            RttMs = report.RttMs ?? s.RttMs,
        });
        switch (report.State)
        {
            case MemberStates.Buffering:
                if (CanHoldTheRoom(userId, now))
                {
                    _buffering.Add(userId);
                    UpdateSync(userId, s => s with { Status = SyncStatuses.Buffering });
                    if (Room.Playback.Status == PlaybackStatus.Playing && Room.Settings.WaitForBuffering)
                    {
                        Room.Playback = PlaybackRules.EnterWaiting(Room.Playback, now);
                        _waitingSince = now;
                        var waiting = new PlaybackUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), PlaybackState = Room.Playback, By = userId };
                        if (!await CommitAsync(waiting)) return Unavailable<Done>();
                    }
                }
                break;
            case MemberStates.Ready:
                if (_buffering.Remove(userId)) UpdateSync(userId, s => s with { Status = SyncStatuses.Ok });
                if (Room.Playback.Status == PlaybackStatus.Waiting && !await ResumeIfAllReadyAsync()) return Unavailable<Done>();
                break;
            case MemberStates.Ended:
                if (ParticipantRoles.CanControl(participant.Role) && Room.Queue.Count > 0 && !await AdvanceQueueAsync(by: null))
                    return Unavailable<Done>();
                break;
        }
        EnsureTicking();
        return RoomResult<Done>.Ok(Done.Value);
    }

    /// <summary>A member that made the room wait past the timeout does not hold it again for 60 s.</summary>
    private bool CanHoldTheRoom(string userId, long now) =>
        !_catchingUpUntil.TryGetValue(userId, out var until) || until <= now;

    /// <summary>Leaves <c>waiting</c> once no connected member is buffering. False when the write failed.</summary>
    private async Task<bool> ResumeIfAllReadyAsync()
    {
        if (Room.Playback.Status != PlaybackStatus.Waiting) return true;
        if (_buffering.Any(_connections.IsConnected)) return true;
        return await ResumeAsync();
    }

    private async Task<bool> ResumeAsync()
    {
        _buffering.Clear();
        Room.Playback = PlaybackRules.Resume(Room.Playback, Now, LeadMs());
        var resumed = new PlaybackUpdatedEvent { RoomId = RoomId, Seq = NextSeq(), PlaybackState = Room.Playback, By = null };
        if (!await CommitAsync(resumed)) return false;
        return true;
    }

    private async Task BufferTimeoutAsync(long now)
    {
        foreach (var userId in _buffering.Where(_connections.IsConnected).ToList())
        {
            _catchingUpUntil[userId] = now + SyncRules.CatchingUpMs;
            UpdateSync(userId, s => s with { Status = SyncStatuses.CatchingUp });
        }
        await ResumeAsync();
    }

    /// <summary>Host, settings or video changed under a waiting room: waiting no longer applies.</summary>
    private void EndWaiting()
    {
        _buffering.Clear();
        foreach (var userId in _syncByUser.Where(s => s.Value.Status == SyncStatuses.Buffering).Select(s => s.Key).ToList())
            UpdateSync(userId, s => s with { Status = SyncStatuses.Ok });
    }

    /// <summary>The scheduled-start lead for the members connected now.</summary>
    private int LeadMs() => SyncRules.LeadMs(_connections.UsersConnected.Select(UserRtt));

    /// <summary>The lowest RTT of the user's connections (the default with none reported); no allocation.</summary>
    private int UserRtt(string userId)
    {
        var ids = _connections.ConnectionIdsOf(userId);
        if (ids.Count == 0) return SyncRules.DefaultRttMs;
        var min = int.MaxValue;
        foreach (var id in ids) min = Math.Min(min, _rttByConnection.GetValueOrDefault(id, SyncRules.DefaultRttMs));
        return min;
    }

    private MemberSync SyncOf(string userId)
    {
        var sync = _syncByUser.GetValueOrDefault(userId) ?? new MemberSync { RttMs = UserRtt(userId) };
        return sync.Status == SyncStatuses.CatchingUp && CanHoldTheRoom(userId, Now) ? sync with { Status = SyncStatuses.Ok } : sync;
    }

    private void UpdateSync(string userId, Func<MemberSync, MemberSync> change)
    {
        var before = SyncOf(userId);
        var after = change(before);
        if (after == before) return;
        _syncByUser[userId] = after;
        _memberStatusDirty = true;
        EnsureTicking();
    }

    private void ForgetSync(string userId)
    {
        _syncByUser.Remove(userId);
        _buffering.Remove(userId);
        _catchingUpUntil.Remove(userId);
    }

    /// <summary>member_status to the host and co-hosts, at most once a second, only when something changed.</summary>
    private void FlushMemberStatus(long now)
    {
        if (!_memberStatusDirty || now - _memberStatusSentAt < 1000) return;
        _memberStatusDirty = false;
        _memberStatusSentAt = now;
        var controllers = Room.Participants.Where(p => ParticipantRoles.CanControl(p.Role))
            .SelectMany(p => _connections.OfUser(p.UserId)).Select(c => c.ConnectionId).ToList();
        if (controllers.Count == 0) return;
        var members = Room.Participants.Select(p => (p.UserId, Sync: SyncOf(p.UserId)))
            .Select(m => new MemberStatusEntry { UserId = m.UserId, DriftMs = m.Sync.DriftMs, RttMs = m.Sync.RttMs, Status = m.Sync.Status })
            .ToList();
        SendTo(controllers, new MemberStatusMessage { RoomId = RoomId, Members = members });
    }

    /// <summary>Runs every 250 ms while something is pending: buffer timeout, host grace, member status, queue advance.</summary>
    private void EnsureTicking()
    {
        if (_tick is not null || !Room.IsActive) return;
        _tick = this.RegisterGrainTimer(TickAsync, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    private async Task TickAsync()
    {
        var now = Now;
        if (Room.Playback.Status == PlaybackStatus.Waiting && now - _waitingSince >= Room.Settings.BufferTimeoutMs)
            await BufferTimeoutAsync(now);
        if (_hostAwaySince is { } since && now - since >= Room.Settings.HostGraceMs)
            await HostFailoverAsync();
        if (CurrentVideoEnded(now) && Room.Queue.Count > 0)
            await AdvanceQueueAsync(by: null);
        FlushMemberStatus(now);

        if (!HasPendingWork())
        {
            _tick?.Dispose();
            _tick = null;
        }
    }

    /// <summary>Whether a tick would do anything: each step of <see cref="TickAsync"/> is guarded by one of these.</summary>
    private bool HasPendingWork() =>
        Room.IsActive && (Room.Playback.Status == PlaybackStatus.Waiting || _hostAwaySince is not null
            || _memberStatusDirty || (Room.Queue.Count > 0 && Room.MovieSource.DurationMs is not null && Room.Playback.Status == PlaybackStatus.Playing));

    /// <summary>
    /// Starts the tick only when a tick would have work. After an ordinary playback command nothing
    /// is pending, and registering a 250 ms grain timer that fires once only to find that out cost
    /// a timer registration, a turn on the grain and a disposal per command.
    /// </summary>
    private void EnsureTickingIfPending()
    {
        if (HasPendingWork()) EnsureTicking();
    }

    private bool CurrentVideoEnded(long now) =>
        Room.Playback.Status == PlaybackStatus.Playing && Room.MovieSource.DurationMs is { } duration
        && PlaybackRules.PositionAt(Room.Playback, now) * 1000 >= duration;
}

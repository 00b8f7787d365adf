using System.Diagnostics;
using CinemaSync.Contracts;
using CinemaSync.Grains.Diagnostics;
using CinemaSync.Grains.Hosting;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CinemaSync.Grains.Rooms;

/// <summary>
/// One room: the adapter of <see cref="RoomCore"/>, which holds every rule. A command is decided by
/// the core at once, appended to the room's journal, and only then told to the web nodes and
/// acknowledged, so no client ever hears of an event the store does not have (<see cref="RoomCommits"/>).
/// The grain is reentrant so that it decides the commands that arrive while a write is in flight
/// (they go out together in the next write); every decision is one synchronous step, in order, and
/// a read sees every decision made, including those whose write is under way. The room is rebuilt
/// from the journal's latest snapshot and the entries after it. One timer runs the core's next tick.
/// </summary>
[GrainType("room"), Reentrant]
internal sealed class RoomGrain(
    IJournalStore store,
    IOptions<RoomJournalOptions> journalOptions,
    TimeProvider clock,
    IOptions<RoomGrainOptions> options,
    LocalRoomObservers localNodes,
    ILogger<RoomGrain> log) : Grain, IRoomGrain
{
    /// <summary>The timer wakes at least this often: a due time further away is simply re-armed.</summary>
    private static readonly long MaxTimerDelayMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private readonly RoomGrainOptions _options = options.Value;
    private RoomNodes _nodes = null!;
    private RoomCore _core = null!;
    private IGrainTimer? _timer;
    private long? _timerDue;
    private RoomJournal _journal = null!;
    private RoomHistory _history = null!;
    private RoomFollowUps _followUps = null!;
    private RoomCommits _commits = null!;

    /// <summary>The room reading itself back after a failed write: commands wait for it.</summary>
    private Task? _reload;

    private string RoomId => this.GetPrimaryKeyString();
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _journal = new RoomJournal(store, RoomId, journalOptions.Value);
        _history = new RoomHistory(_journal);
        _core = await _journal.LoadCoreAsync(_options, cancellationToken);
        _nodes = new RoomNodes(RoomId, localNodes, _options.NodeExpiry, clock, log);
        _followUps = new RoomFollowUps(RoomId, GrainFactory, log);
        _commits = new RoomCommits(PersistAsync, OnWriteFailed,
            ex => log.LogError(ex, "Room {RoomId}: publishing a written decision failed", RoomId));
        GrainTelemetry.ActiveRooms.Add(1);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        GrainTelemetry.ActiveRooms.Add(-1);
        return Task.CompletedTask;
    }

    public Task<RoomResult<RoomView>> CreateAsync(CreateRoomCommand command) => RunAsync(new CreateRoom(command, PasswordHasher.Hash));
    public Task<RoomView?> GetAsync() => Task.FromResult(_core.Find(Now));
    public Task<RoomLookup?> LookupAsync(string userId) => Task.FromResult(_core.Lookup(userId, Now));
    public Task<string?> RoleOfAsync(string userId) => Task.FromResult(_core.RoleOf(userId));

    public async Task<RoomResult<Done>> CheckPasswordAsync(string userId, string password)
    {
        // Decided, never written: what a check changes (the count of wrong passwords) lives in memory only.
        var begin = _core.Decide(new BeginPasswordCheck(userId), Now).Result;
        if (!begin.IsOk) return RoomResult<Done>.Fail(begin.Error!, begin.Message!);
        if (begin.Value is not { } hash) return RoomResult<Done>.Ok(Done.Value);
        // The key derivation (tens of milliseconds) runs on the thread pool, so the room serves its other commands meanwhile.
        var right = await PasswordHasher.VerifyAsync(password, hash);
        return _core.Decide(new FinishPasswordCheck(userId, right), Now).Result;
    }

    public async Task<RoomResult<JoinResult>> JoinAsync(JoinRoomCommand command)
    {
        var connection = command.Connection;
        var joined = await RunAsync(new JoinRoom(command.User, connection?.ConnectionId, connection is null ? null : RoomNodes.IdOf(connection.Node), command.Invited), connection?.Node);
        if (!joined.IsOk) return RoomResult<JoinResult>.Fail(joined.Error!, joined.Message!);
        var reply = joined.Value!;
        var result = reply.Result with { ChatHistory = await _history.ChatAsync() };
        if (!reply.IsNew && command.LastSeq is { } lastSeq) result = await _history.ResumeAsync(result, lastSeq, reply.SeqBefore);
        return RoomResult<JoinResult>.Ok(result);
    }

    public Task<RoomResult<Done>> LeaveAsync(string userId) => RunAsync(new LeaveRoom(userId));
    public Task<RoomResult<PlaybackState>> UpdatePlaybackAsync(string userId, PlaybackCommand command) => RunAsync(new UpdatePlayback(userId, command));
    public Task<RoomResult<ChatMessage>> SendChatAsync(string userId, string text) => RunAsync(new SendChat(userId, text, Guid.NewGuid().ToString("N")));
    public Task<RoomResult<Done>> ReactAsync(string userId, string emoji) => RunAsync(new React(userId, emoji));
    public Task<RoomResult<RoomView>> SetVideoAsync(string userId, MovieSource source) => RunAsync(new SetVideo(userId, source));
    public Task<RoomResult<Done>> CloseAsync(string userId) => RunAsync(new CloseRoom(userId));
    public Task DisconnectAsync(string connectionId) => RunAsync(new Disconnect(connectionId));
    public Task ReportRttAsync(string connectionId, int rttMs) => RunAsync(new ReportRtt(connectionId, rttMs));
    public Task<RoomResult<Done>> ReportStatusAsync(string userId, StatusReport report) => RunAsync(new ReportStatus(userId, report));
    public Task<RoomResult<Done>> SetRoleAsync(string userId, string targetUserId, string role) => RunAsync(new SetRole(userId, targetUserId, role));
    public Task<RoomResult<Done>> TransferHostAsync(string userId, string targetUserId) => RunAsync(new TransferHost(userId, targetUserId));
    public Task<RoomResult<Done>> KickAsync(string userId, string targetUserId, bool ban) => RunAsync(new Kick(userId, targetUserId, ban));
    public Task<RoomResult<RoomSettings>> UpdateSettingsAsync(string userId, SettingsPatch patch) => RunAsync(new UpdateSettings(userId, patch));
    public Task<RoomResult<QueueItem>> QueueAddAsync(string userId, MovieSource source, string? title) => RunAsync(new QueueAdd(userId, WithNewTrackIds(source), title, NewId()));
    public Task<RoomResult<Done>> QueueRemoveAsync(string userId, string itemId) => RunAsync(new QueueRemove(userId, itemId));
    public Task<RoomResult<Done>> QueueMoveAsync(string userId, string itemId, int index) => RunAsync(new QueueMove(userId, itemId, index));
    public Task<RoomResult<PlaybackState>> PlayNextAsync(string userId) => RunAsync(new PlayNext(userId));
    public Task<RoomResult<SubtitleTrack>> SubtitleAddAsync(string userId, string label, string language, MovieSource source) =>
        RunAsync(new SubtitleAdd(userId, new SubtitleTrack { TrackId = NewId(), Label = label, Language = language, Source = source }));
    public Task<RoomResult<Done>> SubtitleRemoveAsync(string userId, string trackId) => RunAsync(new SubtitleRemove(userId, trackId));
    public Task<RoomResult<SubtitleTrack>> SubtitleRenameAsync(string userId, string trackId, string? label, string? language) =>
        RunAsync(new SubtitleRename(userId, trackId, label, language));
    public Task<RoomResult<Done>> SetSubtitleDefaultAsync(string userId, string? trackId) => RunAsync(new SetSubtitleDefault(userId, trackId));
    public Task<RoomResult<SubtitleChoice>> ChooseSubtitleAsync(string userId, string? trackId) => RunAsync(new ChooseSubtitle(userId, trackId));
    public Task<SubtitleChoice?> SubtitleOfAsync(string userId) => Task.FromResult(_core.RoleOf(userId) is null ? null : _core.SubtitleOf(userId));
    public Task<RoomResult<Done>> RecordInviteAsync(string userId, long expiresAt) => RunAsync(new RecordInvite(userId, expiresAt));

    /// <summary>A new queue item's or track's id.</summary>
    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>Track ids are the room's to give: a queued video's tracks get new ones (its default follows its track).</summary>
    private static MovieSource WithNewTrackIds(MovieSource source)
    {
        if (source.Subtitles is not { Count: > 0 } tracks) return source;
        var renumbered = tracks.Select(t => t with { TrackId = NewId() }).ToList();
        var defaultIndex = tracks.ToList().FindIndex(t => t.TrackId == source.SubtitleDefault);
        return source with { Subtitles = renumbered, SubtitleDefault = defaultIndex >= 0 ? renumbered[defaultIndex].TrackId : null };
    }

    public async Task<IReadOnlyList<string>> SubscribeAsync(IRoomObserver node, IReadOnlyList<LocalConnection> connections, long? forwardedSeq = null) =>
        (await RunAsync(new Subscribe(RoomNodes.IdOf(node), connections), node, seq => CatchUpAsync(forwardedSeq, seq))).Value ?? [];

    /// <summary>
    /// What a subscribing node that last forwarded <paramref name="forwardedSeq"/> missed up to
    /// <paramref name="seq"/>, read from the journal; null when it missed nothing. A node that
    /// forwarded nothing yet (new, or restarted) has nothing to catch up: it only learns the seq.
    /// </summary>
    private async Task<RoomCatchUp?> CatchUpAsync(long? forwardedSeq, long seq)
    {
        if (forwardedSeq == seq) return null;
        if (forwardedSeq is not { } from) return new RoomCatchUp { Seq = seq, Missed = [] };
        List<RoomEvent>? missed = null;
        try
        {
            if (from < seq) missed = await _history.MissedAsync(from, seq);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Room {RoomId}: reading the events after seq {From} for a node failed", RoomId, from);
        }
        if (missed is null)
            log.LogInformation("Room {RoomId}: a node at seq {From} cannot be caught up to {Seq} from the journal", RoomId, from, seq);
        return new RoomCatchUp { Seq = seq, Missed = missed };
    }

    /// <summary>Runs what is due first, so a command never meets a room that time should already have moved on.</summary>
    /// <param name="catchUp">For the command's node, from the room's seq before the command: sent to it before the command's events.</param>
    private async Task<RoomResult<T>> RunAsync<T>(RoomCommand<T> command, IRoomObserver? node = null, Func<long, Task<RoomCatchUp?>>? catchUp = null)
    {
        if (_reload is { } reload) await reload;
        if (_core.NextDue() <= Now) _ = Tick(); // its outcome is this command's too: a failed write refuses both
        var seq = _core.State.Seq;
        var decision = _core.Decide(command, Now);
        if (!decision.Result.IsOk) return decision.Result;
        var followUps = Task.CompletedTask;
        var published = await Commit(decision, () =>
        {
            if (catchUp is null)
            {
                followUps = Publish(decision, node, null);
                return Task.CompletedTask;
            }
            return CatchUpThenPublishAsync();
        });
        if (!published) return Unavailable<T>();
        await followUps;
        return decision.Result;

        async Task CatchUpThenPublishAsync() => followUps = Publish(decision, node, await catchUp(seq));
    }

    private Task<bool> Tick()
    {
        var decision = _core.Tick(Now);
        return Commit(decision, () =>
        {
            ReportFailure(Publish(decision, null, null), "a follow-up of its timer");
            return Task.CompletedTask;
        });
    }

    private void ReportFailure(Task task, string what)
    {
        if (task.IsCompletedSuccessfully) return;
        task.ContinueWith(t => log.LogWarning(t.Exception, "Room {RoomId}: {What} failed", RoomId, what),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private async Task OnTimerAsync()
    {
        _timerDue = null; // fired: whatever is due next must arm it again
        if (_reload is { } reload) await reload;
        await Tick();
    }

    /// <summary>Queues a decided command behind those decided before it: written, then <paramref name="publish"/>ed (<see cref="RoomCommits"/>).</summary>
    private Task<bool> Commit<T>(Decision<T> decision, Func<Task> publish) =>
        _commits.CommitAsync(decision.HasDurableChanges ? _journal.Prepare(decision.Changes, decision.Events, _core.State) : null, publish);

    /// <summary>Tells the nodes what a written decision says; returns its follow-ups outside the room (users' room lists).</summary>
    private Task Publish<T>(Decision<T> decision, IRoomObserver? node, RoomCatchUp? catchUp)
    {
        _history.Add(decision.Events);
        _nodes.Publish(decision, node, catchUp);
        ArmTimer();
        return _followUps.Start(decision.Changes);
    }

    /// <summary>Writes one batch of decisions: one journal write, durable before this returns.</summary>
    private async Task PersistAsync(JournalAppend append)
    {
        using var activity = GrainTelemetry.Source.StartActivity("room.persist")?.SetTag("cinemasync.room_id", RoomId);
        var started = Stopwatch.GetTimestamp();
        await _journal.WriteAsync(append);
        GrainTelemetry.StorageWriteDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("state", StateNames.Room));
    }

    /// <summary>
    /// A write failed, and with it every decision after it. The room is read back from the journal so
    /// that memory never runs ahead of the store (presence comes back with the nodes' re-subscriptions);
    /// commands wait for that.
    /// </summary>
    private void OnWriteFailed(Exception ex, int refused)
    {
        log.LogError(ex, "Room {RoomId}: journal append failed; {Count} commands refused", RoomId, refused);
        _reload = ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        try
        {
            _core = await _journal.LoadCoreAsync(_options);
            _history.Forget();
        }
        catch (Exception readError)
        {
            log.LogError(readError, "Room {RoomId}: reload after a failed write failed; deactivating", RoomId);
            DeactivateOnIdle();
        }
        finally
        {
            _reload = null;
        }
    }

    /// <summary>The one timer: armed for the core's next due time, idle when nothing is pending.</summary>
    private void ArmTimer()
    {
        var due = _core.NextDue();
        if (due == _timerDue) return;
        _timerDue = due;
        var delay = due is { } at ? TimeSpan.FromMilliseconds(Math.Clamp(at - Now, 0, MaxTimerDelayMs)) : Timeout.InfiniteTimeSpan;
        if (_timer is not null) _timer.Change(delay, Timeout.InfiniteTimeSpan);
        else if (due is not null) _timer = this.RegisterGrainTimer(OnTimerAsync, delay, Timeout.InfiniteTimeSpan);
    }

    private static RoomResult<T> Unavailable<T>() =>
        RoomResult<T>.Fail(ErrorCodes.Unavailable, "The room could not be saved; nothing was changed. Try again.");
}

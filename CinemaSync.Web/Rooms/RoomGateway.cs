using CinemaSync.Contracts;
using CinemaSync.Web.Drive;
using CinemaSync.Web.Realtime;

namespace CinemaSync.Web.Rooms;

/// <summary>
/// The one way from the web into a room, for REST and the hub alike: the room's grain, a join
/// (password first), and the commands that take a Drive file, which is read with the caller's rights
/// before the room takes it. Every outcome is a <see cref="RoomResult{T}"/>; REST and the hub each
/// turn it into their own answer in one place (<c>Problems.Error</c>, <c>HubAcks.Fail</c>).
/// </summary>
public sealed class RoomGateway(IGrainFactory grains, DriveMovies drive, RoomSubscriptions subscriptions)
{
    private const int CreateAttempts = 4;

    /// <summary>The room's grain (the reference kept for rooms with members on this node, see <see cref="RoomSubscriptions.RoomGrain"/>).</summary>
    public IRoomGrain Room(string roomId) => subscriptions.RoomGrain(roomId);

    public async Task<RoomResult<RoomView>> CreateAsync(Actor host, RoomRequests.CreateRoom request, CancellationToken ct)
    {
        // Counted by the user's grain, so the limit holds whichever web node is asked.
        if (!await grains.GetGrain<IUserGrain>(host.UserId).TryCountRoomCreationAsync())
            return RoomResult<RoomView>.Fail(ErrorCodes.RateLimited, "You created too many rooms lately; try again later.");
        // The creator becomes the host: no role to check before Drive is asked.
        var video = await ResolveAsync(request.MovieSource, host.UserId, ct);
        if (!video.IsOk) return Refusal<RoomView>.From(video);
        var command = new CreateRoomCommand
        {
            Host = host,
            Name = request.Name,
            IsPrivate = request.IsPrivate,
            Password = request.Password,
            MovieSource = video.Value!.Source,
            Settings = request.Settings,
        };
        // Ids are random; a collision is astronomically rare, but costs only a retry.
        for (var attempt = 1; ; attempt++)
        {
            var result = await grains.GetGrain<IRoomGrain>(RoomIds.New()).CreateAsync(command);
            if (result.IsOk) await RecordAsync(video.Value);
            if (result.IsOk || result.Error != ErrorCodes.RoomExists || attempt == CreateAttempts) return result;
        }
    }

    /// <summary>
    /// A password is checked first, by the room but off its turn (counted per user: <c>rate_limited</c>
    /// past the limit); the join that follows lets in a user whose password was right.
    /// </summary>
    public async Task<RoomResult<JoinResult>> JoinAsync(string roomId, JoinRoomCommand command, string? password)
    {
        var room = Room(roomId);
        if (password is not null && !command.Invited)
        {
            var check = await room.CheckPasswordAsync(command.User.UserId, password);
            if (!check.IsOk) return Refusal<JoinResult>.From(check);
        }
        return await room.JoinAsync(command);
    }

    /// <summary>Sets the room's video; a Drive file's name, type, size and duration go into the room's <c>movie_source</c>.</summary>
    public async Task<RoomResult<RoomView>> SetVideoAsync(string roomId, string userId, MovieSource source, CancellationToken ct)
    {
        var room = Room(roomId);
        var video = await ResolveForControllerAsync(room, userId, source, "Only the host or a co-host sets the video.", ct);
        if (!video.IsOk) return Refusal<RoomView>.From(video);
        var result = await room.SetVideoAsync(userId, video.Value!.Source);
        if (result.IsOk) await RecordAsync(video.Value);
        return result;
    }

    /// <summary>
    /// Queues a video, checked like <see cref="SetVideoAsync"/>; a Drive file's name is the default title.
    /// Its subtitle tracks' Drive files are read as <see cref="SubtitleAddAsync"/> reads one; the room gives them their ids.
    /// </summary>
    public async Task<RoomResult<QueueItem>> QueueAddAsync(string roomId, string userId, RoomRequests.QueueAdd add, CancellationToken ct)
    {
        var room = Room(roomId);
        if (IsDriveFile(add.Source) || add.Subtitles.Any(t => IsDriveFile(t.Source)))
        {
            var controller = await ControllerAsync(room, userId, "Only the host or a co-host can do this.");
            if (!controller.IsOk) return Refusal<QueueItem>.From(controller);
        }
        var video = await ResolveAsync(add.Source, userId, ct);
        if (!video.IsOk) return Refusal<QueueItem>.From(video);
        var tracks = new List<SubtitleTrack>(add.Subtitles.Count);
        foreach (var track in add.Subtitles)
        {
            var file = await ResolveAsync(track.Source, userId, ct, subtitle: true);
            if (!file.IsOk) return Refusal<QueueItem>.From(file);
            tracks.Add(new SubtitleTrack { TrackId = $"new-{tracks.Count}", Label = track.Label, Language = track.Language, Source = file.Value!.Source });
        }
        var (source, movie) = video.Value!;
        return await room.QueueAddAsync(userId,
            source with { DurationMs = add.DurationMs ?? source.DurationMs, Subtitles = tracks.Count == 0 ? null : tracks },
            add.Title ?? movie?.Name);
    }

    /// <summary>
    /// Adds a subtitle track to the room's video; a Drive file is read first with the caller's rights,
    /// as a video is (<see cref="DriveMovies.ResolveSubtitleAsync"/>).
    /// </summary>
    public async Task<RoomResult<SubtitleTrack>> SubtitleAddAsync(string roomId, string userId, RoomRequests.SubtitleAdd add, CancellationToken ct)
    {
        var room = Room(roomId);
        var file = await ResolveForControllerAsync(room, userId, add.Source, "Only the host or a co-host can do this.", ct, subtitle: true);
        if (!file.IsOk) return Refusal<SubtitleTrack>.From(file);
        return await room.SubtitleAddAsync(userId, add.Label, add.Language, file.Value!.Source);
    }

    private sealed record Video(MovieSource Source, MovieInfo? Movie);

    /// <summary>
    /// Refuses before asking Drive anything on behalf of someone who may not give the room a video,
    /// with the refusals the room itself gives.
    /// </summary>
    private async Task<RoomResult<Video>> ResolveForControllerAsync(IRoomGrain room, string userId, MovieSource source, string notHost, CancellationToken ct,
        bool subtitle = false)
    {
        if (!IsDriveFile(source)) return RoomResult<Video>.Ok(new Video(source, null));
        var controller = await ControllerAsync(room, userId, notHost);
        return controller.IsOk ? await ResolveAsync(source, userId, ct, subtitle) : Refusal<Video>.From(controller);
    }

    /// <summary>The caller, when they are the host or a co-host of the open room.</summary>
    private static async Task<RoomResult<ParticipantView>> ControllerAsync(IRoomGrain room, string userId, string notHost)
    {
        var member = await ParticipantAsync(room, userId);
        if (!member.IsOk) return Refusal<ParticipantView>.From(member);
        return ParticipantRoles.CanControl(member.Value.Participant.Role)
            ? RoomResult<ParticipantView>.Ok(member.Value.Participant)
            : RoomResult<ParticipantView>.Fail(ErrorCodes.NotHost, notHost);
    }

    /// <summary>The open room and the caller's place in it; refused with the room's own codes when the caller is not a participant.</summary>
    public static async Task<RoomResult<(RoomView View, ParticipantView Participant)>> ParticipantAsync(IRoomGrain room, string userId)
    {
        if (await room.GetAsync() is not { } view) return RoomResult<(RoomView, ParticipantView)>.Fail(ErrorCodes.RoomNotFound, "Room not found.");
        if (!view.IsActive) return RoomResult<(RoomView, ParticipantView)>.Fail(ErrorCodes.RoomClosed, "The room is closed.");
        return view.Participants.FirstOrDefault(p => p.UserId == userId) is { } participant
            ? RoomResult<(RoomView, ParticipantView)>.Ok((view, participant))
            : RoomResult<(RoomView, ParticipantView)>.Fail(ErrorCodes.NotMember, "You are not a member of this room.");
    }

    /// <summary>
    /// A Drive file is read (a readable video, see <see cref="DriveMovies.ResolveVideoAsync"/>, or with
    /// <paramref name="subtitle"/> a readable subtitle file); any other source is taken as it is.
    /// </summary>
    private async Task<RoomResult<Video>> ResolveAsync(MovieSource source, string userId, CancellationToken ct, bool subtitle = false)
    {
        if (!IsDriveFile(source)) return RoomResult<Video>.Ok(new Video(source, null));
        try
        {
            var (resolved, movie) = subtitle ? await drive.ResolveSubtitleAsync(source, userId, ct) : await drive.ResolveVideoAsync(source, userId, ct);
            return RoomResult<Video>.Ok(new Video(resolved, movie));
        }
        catch (DriveException ex)
        {
            return RoomResult<Video>.Fail(ex.Code, ex.Message);
        }
    }

    private static bool IsDriveFile(MovieSource source) => source is { Type: MovieSourceTypes.GoogleDrive, FileId: not null };

    private Task RecordAsync(Video video) => video.Movie is { } movie ? drive.RecordRecentAsync(movie) : Task.CompletedTask;

    private static class Refusal<T>
    {
        public static RoomResult<T> From<TFrom>(RoomResult<TFrom> refused) => RoomResult<T>.Fail(refused.Error!, refused.Message ?? refused.Error!);
    }
}

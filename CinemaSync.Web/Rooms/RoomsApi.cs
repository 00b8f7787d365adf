using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
using CinemaSync.Web.Hosting;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Rooms;

/// <summary>REST rooms under <c>/api/rooms</c>. Every change goes through the room grain, so hub members see it too.</summary>
public static class RoomsApi
{
    public sealed record RoomList(IReadOnlyList<RoomView> Rooms);

    public sealed record Invite(string InviteToken, long ExpiresAt, string Url)
    {
        [System.Text.Json.Serialization.JsonPropertyName("invite")] public string InviteToken { get; init; } = InviteToken;
    }

    private const int MineLimit = 100;

    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").RequireAuthorization().WithTags("Rooms");
        rooms.MapPost("/", Create);
        rooms.MapGet("/mine", Mine);
        rooms.MapGet("/{roomId}", Get);
        rooms.MapPost("/{roomId}/join", Join);
        rooms.MapPost("/{roomId}/leave", Leave);
        rooms.MapPost("/{roomId}/playback", UpdatePlayback);
        rooms.MapPut("/{roomId}/video", SetVideo);
        rooms.MapDelete("/{roomId}", Close);
        rooms.MapPost("/{roomId}/invites", CreateInvite);
        return app;
    }

    private static async Task<Results<Created<RoomView>, ValidationProblem, ProblemHttpResult>> Create(
        HttpContext context, IGrainFactory grains, DriveMovies drive, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var request = RoomRequests.ReadCreate(body);
        if (request is null) return Problems.Invalid(body);
        // Counted by the user's grain, so the limit holds whichever web node is asked.
        if (!await grains.GetGrain<IUserGrain>(context.User.UserId()).TryCountRoomCreationAsync())
            return Problems.Error(ErrorCodes.RateLimited, "You created too many rooms lately; try again later.");
        MovieInfo? driveMovie = null;
        if (request.MovieSource is { Type: MovieSourceTypes.GoogleDrive, FileId: not null })
        {
            // The creator becomes the host: the same readability check as PUT .../video.
            try
            {
                (var source, driveMovie) = await drive.ResolveVideoAsync(request.MovieSource, context.User.UserId(), ct);
                request = request with { MovieSource = source };
            }
            catch (DriveException ex)
            {
                return Problems.Error(ex.Code, ex.Message);
            }
        }

        var command = new CreateRoomCommand
        {
            Host = context.User.Actor(),
            Name = request.Name,
            IsPrivate = request.IsPrivate,
            Password = request.Password,
            MovieSource = request.MovieSource,
            Settings = request.Settings,
        };
        // Ids are random; a collision is astronomically rare, but costs only a retry.
        for (var attempt = 0; ; attempt++)
        {
            var roomId = RoomIds.New();
            var result = await grains.GetGrain<IRoomGrain>(roomId).CreateAsync(command);
            if (result.IsOk)
            {
                if (driveMovie is not null) await drive.RecordRecentAsync(driveMovie);
                return TypedResults.Created($"/api/rooms/{roomId}", result.Value);
            }
            if (result.Error != ErrorCodes.RoomExists || attempt == 3) return Problems.Error(result);
        }
    }

    /// <summary>The full room for a participant; anyone else (a banned user too) gets the preview only.</summary>
    private static async Task<Results<Ok<RoomView>, Ok<RoomPreview>, ProblemHttpResult>> Get(string roomId, HttpContext context, IGrainFactory grains)
    {
        if (!RoomIds.IsWellFormed(roomId) || await grains.GetGrain<IRoomGrain>(roomId).LookupAsync(context.User.UserId()) is not { } lookup)
            return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        return lookup.Room is { } room ? TypedResults.Ok(room) : TypedResults.Ok(lookup.Preview);
    }

    /// <summary>Rooms the caller hosts or is in, most recent room activity first; closed ones included.</summary>
    private static async Task<Ok<RoomList>> Mine(HttpContext context, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IUserGrain>(context.User.UserId()).GetRoomIdsAsync();
        var rooms = await Task.WhenAll(ids.Take(MineLimit).Select(id => grains.GetGrain<IRoomGrain>(id).GetAsync()));
        var userId = context.User.UserId();
        var mine = rooms
            .Where(r => r is not null && (r.HostId == userId || r.Participants.Any(p => p.UserId == userId)))
            .OrderByDescending(r => r!.LastActivityAt)
            .ToList();
        return TypedResults.Ok(new RoomList(mine!));
    }

    private static async Task<Results<Ok<RoomView>, ValidationProblem, ProblemHttpResult>> Join(
        string roomId, HttpContext context, IGrainFactory grains, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var password = RoomRequests.ReadPassword(body);
        if (!body.IsValid) return Problems.Invalid(body);
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Join, context) is { } limited) return limited;

        var result = await RoomJoins.JoinAsync(grains.GetGrain<IRoomGrain>(roomId), new JoinRoomCommand { User = context.User.Actor() }, password);
        return result.IsOk ? TypedResults.Ok(result.Value!.Room) : Problems.Error(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Leave(string roomId, HttpContext context, IGrainFactory grains, HubRateLimiter limiter)
    {
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Leave, context) is { } limited) return limited;
        var result = await grains.GetGrain<IRoomGrain>(roomId).LeaveAsync(context.User.UserId());
        return result.IsOk ? TypedResults.NoContent() : Problems.Error(result);
    }

    private static async Task<Results<Ok<PlaybackState>, ValidationProblem, ProblemHttpResult>> UpdatePlayback(
        string roomId, HttpContext context, IGrainFactory grains, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var command = RoomRequests.ReadPlayback(body);
        if (command is null) return Problems.Invalid(body);
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Playback, context) is { } limited) return limited;

        var result = await grains.GetGrain<IRoomGrain>(roomId).UpdatePlaybackAsync(context.User.UserId(), command);
        if (result.IsOk) return TypedResults.Ok(result.Value!);
        return result.Error == ErrorCodes.StaleVersion
            ? Problems.Error(result.Error, result.Message!, new Dictionary<string, object?> { ["playback_state"] = result.Value })
            : Problems.Error(result);
    }

    /// <summary>
    /// Sets the room's video. A Drive file is first read with the caller's rights — the service account,
    /// or with <c>owner: user</c> the caller's own Drive — so a room never holds a file its host cannot
    /// read; its name, type, size and duration go into the room's <c>movie_source</c>.
    /// </summary>
    private static async Task<Results<Ok<RoomView>, ValidationProblem, ProblemHttpResult>> SetVideo(
        string roomId, HttpContext context, IGrainFactory grains, DriveMovies drive, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var source = RoomRequests.ReadVideo(body);
        if (source is null) return Problems.Invalid(body);
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Playback, context) is { } limited) return limited;

        var room = grains.GetGrain<IRoomGrain>(roomId);
        var userId = context.User.UserId();
        MovieInfo? driveMovie = null;
        if (source is { Type: MovieSourceTypes.GoogleDrive, FileId: not null })
        {
            // Refuse before asking Drive anything on behalf of someone who may not set the video.
            if (await room.GetAsync() is not { } view) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
            if (!view.IsActive) return Problems.Error(ErrorCodes.RoomClosed, "The room is closed.");
            var role = await room.RoleOfAsync(userId);
            if (role is null) return Problems.Error(ErrorCodes.NotMember, "You are not a member of this room.");
            if (!ParticipantRoles.CanControl(role)) return Problems.Error(ErrorCodes.NotHost, "Only the host or a co-host sets the video.");
            try
            {
                (source, driveMovie) = await drive.ResolveVideoAsync(source, userId, ct);
            }
            catch (DriveException ex)
            {
                return Problems.Error(ex.Code, ex.Message);
            }
        }

        var result = await room.SetVideoAsync(userId, source);
        if (!result.IsOk) return Problems.Error(result);
        if (driveMovie is not null) await drive.RecordRecentAsync(driveMovie);
        return TypedResults.Ok(result.Value!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Close(string roomId, HttpContext context, IGrainFactory grains, HubRateLimiter limiter)
    {
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Moderation, context) is { } limited) return limited;
        var result = await grains.GetGrain<IRoomGrain>(roomId).CloseAsync(context.User.UserId());
        return result.IsOk ? TypedResults.NoContent() : Problems.Error(result);
    }

    /// <summary>A signed, expiring invite: joins a private room without its password (host and co-hosts, a bounded number per room).</summary>
    private static async Task<Results<Ok<Invite>, ValidationProblem, ProblemHttpResult>> CreateInvite(
        string roomId, HttpContext context, IGrainFactory grains, InviteTokens invites, IOptions<PublicUrlOptions> urls, HubRateLimiter limiter,
        CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var minutes = body.Integer("expires_in_minutes", min: 1, max: 7 * 24 * 60);
        if (!body.IsValid) return Problems.Invalid(body);
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (OverLimit(limiter, HubAction.Moderation, context) is { } limited) return limited;
        var (token, expiresAt) = invites.Create(roomId, minutes is { } m ? TimeSpan.FromMinutes(m) : InviteTokens.DefaultLifetime);
        // The room counts its live invites (and checks the caller may invite) before one is handed out.
        var recorded = await grains.GetGrain<IRoomGrain>(roomId).RecordInviteAsync(context.User.UserId(), expiresAt);
        if (!recorded.IsOk) return Problems.Error(recorded);
        var site = urls.Value.Site(context.Request);
        return TypedResults.Ok(new Invite(token, expiresAt, $"{site}/?room={roomId}&invite={Uri.EscapeDataString(token)}"));
    }

    /// <summary>
    /// A REST command draws on the caller's allowance for the hub method that does the same (a REST
    /// call has no connection: the user's bucket only), so neither route is a way around the other's limit.
    /// </summary>
    private static ProblemHttpResult? OverLimit(HubRateLimiter limiter, HubAction action, HttpContext context) =>
        limiter.TryAcquire(action, context.User.UserId()) ? null : Problems.Error(ErrorCodes.RateLimited, "Too many requests; slow down.");

    private static async Task<PayloadReader?> ReadBodyAsync(HttpContext context, CancellationToken ct) =>
        await JsonBody.ReadAsync(context.Request, ct) is { } json ? PayloadReader.Open(json) : null;

    private static ProblemHttpResult NotJson() =>
        Problems.Error(ErrorCodes.InvalidPayload, $"The body must be a JSON object of at most {JsonBody.MaxBytes} bytes.");
}

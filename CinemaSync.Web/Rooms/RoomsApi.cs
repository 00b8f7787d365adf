using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Hosting;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Rooms;

/// <summary>REST rooms under <c>/api/rooms</c>. Every change goes through the room grain (<see cref="RoomGateway"/>), so hub members see it too.</summary>
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
        HttpContext context, RoomGateway rooms, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var request = RoomRequests.ReadCreate(body);
        if (request is null) return Problems.Invalid(body);
        var result = await rooms.CreateAsync(context.User.Actor(), request, ct);
        return result.IsOk ? TypedResults.Created($"/api/rooms/{result.Value!.RoomId}", result.Value) : Problems.Error(result);
    }

    /// <summary>The full room for a participant; anyone else (a banned user too) gets the preview only.</summary>
    private static async Task<Results<Ok<RoomView>, Ok<RoomPreview>, ProblemHttpResult>> Get(string roomId, HttpContext context, RoomGateway rooms)
    {
        if (!RoomIds.IsWellFormed(roomId) || await rooms.Room(roomId).LookupAsync(context.User.UserId()) is not { } lookup)
            return RoomNotFound();
        return lookup.Room is { } room ? TypedResults.Ok(room) : TypedResults.Ok(lookup.Preview);
    }

    /// <summary>Rooms the caller hosts or is in, most recent room activity first; closed ones included.</summary>
    private static async Task<Ok<RoomList>> Mine(HttpContext context, IGrainFactory grains, RoomGateway rooms)
    {
        var userId = context.User.UserId();
        var ids = await grains.GetGrain<IUserGrain>(userId).GetRoomIdsAsync();
        var views = await Task.WhenAll(ids.Take(MineLimit).Select(id => rooms.Room(id).GetAsync()));
        var mine = views
            .Where(r => r is not null && (r.HostId == userId || r.Participants.Any(p => p.UserId == userId)))
            .OrderByDescending(r => r!.LastActivityAt)
            .ToList();
        return TypedResults.Ok(new RoomList(mine!));
    }

    private static async Task<Results<Ok<RoomView>, ValidationProblem, ProblemHttpResult>> Join(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var password = RoomRequests.ReadPassword(body);
        if (!body.IsValid) return Problems.Invalid(body);
        if (Refuse(roomId, HubAction.Join, limiter, context) is { } refused) return refused;
        var result = await rooms.JoinAsync(roomId, new JoinRoomCommand { User = context.User.Actor() }, password);
        return result.IsOk ? TypedResults.Ok(result.Value!.Room) : Problems.Error(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Leave(string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter)
    {
        if (Refuse(roomId, HubAction.Leave, limiter, context) is { } refused) return refused;
        return NoContent(await rooms.Room(roomId).LeaveAsync(context.User.UserId()));
    }

    private static async Task<Results<Ok<PlaybackState>, ValidationProblem, ProblemHttpResult>> UpdatePlayback(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var command = RoomRequests.ReadPlayback(body);
        if (command is null) return Problems.Invalid(body);
        if (Refuse(roomId, HubAction.Playback, limiter, context) is { } refused) return refused;
        var result = await rooms.Room(roomId).UpdatePlaybackAsync(context.User.UserId(), command);
        return result.IsOk ? TypedResults.Ok(result.Value!) : Problems.Error(result);
    }

    /// <summary>
    /// Sets the room's video. A Drive file is first read with the caller's rights — the service account,
    /// or with <c>owner: user</c> the caller's own Drive — so a room never holds a file its host cannot read.
    /// </summary>
    private static async Task<Results<Ok<RoomView>, ValidationProblem, ProblemHttpResult>> SetVideo(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var source = RoomRequests.ReadVideo(body);
        if (source is null) return Problems.Invalid(body);
        if (Refuse(roomId, HubAction.Playback, limiter, context) is { } refused) return refused;
        var result = await rooms.SetVideoAsync(roomId, context.User.UserId(), source, ct);
        return result.IsOk ? TypedResults.Ok(result.Value!) : Problems.Error(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Close(string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter)
    {
        if (Refuse(roomId, HubAction.Moderation, limiter, context) is { } refused) return refused;
        return NoContent(await rooms.Room(roomId).CloseAsync(context.User.UserId()));
    }

    /// <summary>A signed, expiring invite: joins a private room without its password (host and co-hosts, a bounded number per room).</summary>
    private static async Task<Results<Ok<Invite>, ValidationProblem, ProblemHttpResult>> CreateInvite(
        string roomId, HttpContext context, RoomGateway rooms, InviteTokens invites, IOptions<PublicUrlOptions> urls, HubRateLimiter limiter,
        CancellationToken ct)
    {
        if (await ReadBodyAsync(context, ct) is not { } body) return NotJson();
        var lifetime = RoomRequests.ReadInviteLifetime(body);
        if (!body.IsValid) return Problems.Invalid(body);
        if (Refuse(roomId, HubAction.Moderation, limiter, context) is { } refused) return refused;
        var (token, expiresAt) = invites.Create(roomId, lifetime);
        // The room counts its live invites (and checks the caller may invite) before one is handed out.
        var recorded = await rooms.Room(roomId).RecordInviteAsync(context.User.UserId(), expiresAt);
        if (!recorded.IsOk) return Problems.Error(recorded);
        var site = urls.Value.Site(context.Request);
        return TypedResults.Ok(new Invite(token, expiresAt, $"{site}/?room={roomId}&invite={Uri.EscapeDataString(token)}"));
    }

    /// <summary>
    /// A malformed room id is a room that does not exist. A REST command draws on the caller's allowance
    /// for the hub method that does the same (a REST call has no connection: the user's bucket only), so
    /// neither route is a way around the other's limit.
    /// </summary>
    private static ProblemHttpResult? Refuse(string roomId, HubAction action, HubRateLimiter limiter, HttpContext context)
    {
        if (!RoomIds.IsWellFormed(roomId)) return RoomNotFound();
        return limiter.TryAcquire(action, context.User.UserId()) ? null : Problems.Error(ErrorCodes.RateLimited, "Too many requests; slow down.");
    }

    private static Results<NoContent, ProblemHttpResult> NoContent(RoomResult<Done> result) =>
        result.IsOk ? TypedResults.NoContent() : Problems.Error(result);

    private static ProblemHttpResult RoomNotFound() => Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");

    private static async Task<PayloadReader?> ReadBodyAsync(HttpContext context, CancellationToken ct) =>
        await JsonBody.ReadAsync(context.Request, ct) is { } json ? PayloadReader.Open(json) : null;

    private static ProblemHttpResult NotJson() =>
        Problems.Error(ErrorCodes.InvalidPayload, $"The body must be a JSON object of at most {JsonBody.MaxBytes} bytes.");
}

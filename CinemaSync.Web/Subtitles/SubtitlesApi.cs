using System.Security.Cryptography;
using System.Text;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
using CinemaSync.Web.Realtime;
using CinemaSync.Web.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Subtitles;

/// <summary>
/// The video's subtitle tracks under <c>/api/rooms/{id}/subtitles</c>: the list and the caller's own
/// choice, add, remove, the room default, the choice (REST twins of the hub methods), and each track
/// served as WebVTT to participants only.
/// </summary>
public static class SubtitlesApi
{
    public sealed record SubtitleList(IReadOnlyList<SubtitleTrack> Subtitles, string? SubtitleDefault, SubtitleChoice Subtitle);

    public sealed record Chosen(SubtitleChoice Subtitle);

    public static IEndpointRouteBuilder MapSubtitlesApi(this IEndpointRouteBuilder app)
    {
        var subtitles = app.MapGroup("/api/rooms/{roomId}/subtitles").RequireAuthorization().WithTags("Subtitles");
        subtitles.MapGet("/", List);
        subtitles.MapPost("/", Add);
        subtitles.MapPut("/default", SetDefault);
        subtitles.MapPut("/choice", Choose);
        subtitles.MapGet("/{trackId}", Serve);
        subtitles.MapPatch("/{trackId}", Rename);
        subtitles.MapDelete("/{trackId}", Remove);
        return app;
    }

    private static async Task<Results<Ok<SubtitleList>, ProblemHttpResult>> List(string roomId, HttpContext context, RoomGateway rooms)
    {
        var member = await MemberRoomAsync(roomId, context, rooms);
        if (member.Problem is { } problem) return problem;
        var (room, view) = (member.Room, member.View!);
        var choice = await room.SubtitleOfAsync(context.User.UserId()) ?? new SubtitleChoice();
        return TypedResults.Ok(new SubtitleList(view.MovieSource.Tracks, view.MovieSource.SubtitleDefault, choice));
    }

    private static async Task<Results<Created<SubtitleTrack>, ValidationProblem, ProblemHttpResult>> Add(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await RoomsApi.ReadBodyAsync(context, ct) is not { } body) return RoomsApi.NotJson();
        if (RoomRequests.ReadSubtitleAdd(body) is not { } add) return Problems.Invalid(body);
        if (RoomsApi.Refuse(roomId, HubAction.Queue, limiter, context) is { } refused) return refused;
        var result = await rooms.SubtitleAddAsync(roomId, context.User.UserId(), add, ct);
        return result.IsOk
            ? TypedResults.Created($"/api/rooms/{roomId}/subtitles/{result.Value!.TrackId}", result.Value)
            : Problems.Error(result);
    }

    /// <summary><c>{ label?, language? }</c>: the track with its new values.</summary>
    private static async Task<Results<Ok<SubtitleTrack>, ValidationProblem, ProblemHttpResult>> Rename(
        string roomId, string trackId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await RoomsApi.ReadBodyAsync(context, ct) is not { } body) return RoomsApi.NotJson();
        if (RoomRequests.ReadSubtitleRename(body) is not { } rename) return Problems.Invalid(body);
        if (RoomsApi.Refuse(roomId, HubAction.Queue, limiter, context) is { } refused) return refused;
        var result = await rooms.Room(roomId).SubtitleRenameAsync(context.User.UserId(), trackId, rename.Label, rename.Language);
        return result.IsOk ? TypedResults.Ok(result.Value!) : Problems.Error(result);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(string roomId, string trackId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter)
    {
        if (RoomsApi.Refuse(roomId, HubAction.Queue, limiter, context) is { } refused) return refused;
        var result = await rooms.Room(roomId).SubtitleRemoveAsync(context.User.UserId(), trackId);
        return result.IsOk ? TypedResults.NoContent() : Problems.Error(result);
    }

    /// <summary><c>{ track_id }</c>, null for none: the track members see until they choose.</summary>
    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetDefault(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await RoomsApi.ReadBodyAsync(context, ct) is not { } body) return RoomsApi.NotJson();
        var trackId = RoomRequests.ReadTrackChoice(body);
        if (!body.IsValid) return Problems.Invalid(body);
        if (RoomsApi.Refuse(roomId, HubAction.Queue, limiter, context) is { } refused) return refused;
        var result = await rooms.Room(roomId).SetSubtitleDefaultAsync(context.User.UserId(), trackId);
        return result.IsOk ? TypedResults.NoContent() : Problems.Error(result);
    }

    /// <summary><c>{ track_id }</c>, null for none: the caller's own track, kept for them and told to nobody else.</summary>
    private static async Task<Results<Ok<Chosen>, ValidationProblem, ProblemHttpResult>> Choose(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await RoomsApi.ReadBodyAsync(context, ct) is not { } body) return RoomsApi.NotJson();
        var trackId = RoomRequests.ReadTrackChoice(body);
        if (!body.IsValid) return Problems.Invalid(body);
        if (RoomsApi.Refuse(roomId, HubAction.Playback, limiter, context) is { } refused) return refused;
        var result = await rooms.Room(roomId).ChooseSubtitleAsync(context.User.UserId(), trackId);
        return result.IsOk ? TypedResults.Ok(new Chosen(result.Value!)) : Problems.Error(result);
    }

    /// <summary>
    /// The track as WebVTT, for participants only, with the checks of the stream proxy: a user's own
    /// Drive file serves only while that user is in the room. Nothing served here is sniffed or runs as
    /// a page; browsers may keep it for <see cref="SubtitleOptions.CacheDuration"/>.
    /// </summary>
    private static async Task<Results<ContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Serve(
        string roomId, string trackId, HttpContext context, RoomGateway rooms, SubtitleFiles files, IOptions<SubtitleOptions> options, CancellationToken ct)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox";
        var member = await MemberRoomAsync(roomId, context, rooms);
        if (member.Problem is { } problem) return problem;
        var (room, view) = (member.Room, member.View!);
        if (view.MovieSource.Tracks.FirstOrDefault(t => t.TrackId == trackId) is not { } track)
            return Problems.Error(ErrorCodes.TrackNotFound, "The video has no subtitle track of that id.");
        if (track.Source.Owner == MovieOwners.User && await StreamApi.OwnerHasLeftAsync(room, track.Source.DriveUserId))
            return Problems.Error(ErrorCodes.Forbidden, "The subtitle comes from the Drive of someone who has left the room; it is no longer served.");

        var result = await files.ReadAsWebVttAsync(track.Source, ct);
        if (!result.IsOk) return Problems.Error(result);
        var etag = $"\"{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(result.Value!)), 0, 16)}\"";
        context.Response.Headers.CacheControl = $"private, max-age={(int)options.Value.CacheDuration.TotalSeconds}";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Contains(etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Text(result.Value, "text/vtt", Encoding.UTF8);
    }

    private sealed record Member(IRoomGrain Room, RoomView? View, ProblemHttpResult? Problem = null);

    /// <summary>The room, when the caller is one of its participants (strangers and banned users are not).</summary>
    private static async Task<Member> MemberRoomAsync(string roomId, HttpContext context, RoomGateway rooms)
    {
        if (!RoomIds.IsWellFormed(roomId)) return new Member(null!, null, Problems.Error(ErrorCodes.RoomNotFound, "Room not found."));
        var room = rooms.Room(roomId);
        var member = await RoomGateway.ParticipantAsync(room, context.User.UserId());
        return member.IsOk ? new Member(room, member.Value.View) : new Member(room, null, Problems.Error(member));
    }
}

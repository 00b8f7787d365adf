using System.Net;
using CinemaSync.Contracts;
using CinemaSync.Web.Observability;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.GoogleOAuth;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CinemaSync.Web.Drive;

/// <summary>
/// The stream proxy. A room member asks <c>GET /api/rooms/{id}/stream-url</c> for a signed URL
/// (bound to room, file, owner, viewer and — for the host's own Drive — whose OAuth token reads it);
/// <c>GET /api/stream/{file_id}?owner=&amp;token=</c> then proxies Drive's bytes with <c>Range</c>,
/// so a <c>&lt;video&gt;</c> tag plays it without ever seeing a Google token. Only a <c>video/*</c> file
/// streams, with its checked type as <c>Content-Type</c> (never Drive's header), <c>nosniff</c> and a
/// sandboxing CSP, so a file cannot render as a page on this origin. A file from a user's own Drive
/// streams only while that user is a participant of the room. A viewer has at most
/// <c>Stream:MaxConcurrentPerViewer</c> streams open at once.
/// </summary>
public static class StreamApi
{
    public sealed record StreamUrl(string Url, long ExpiresAt);

    public static IEndpointRouteBuilder MapStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rooms/{roomId}/stream-url", CreateStreamUrl).RequireAuthorization().WithTags("Stream");
        app.MapMethods("/api/stream/{fileId}", [HttpMethods.Get, HttpMethods.Head], Stream).AllowAnonymous().WithTags("Stream");
        return app;
    }

    /// <summary>A stream URL of the room's Drive video for the caller (a member).</summary>
    private static async Task<Results<Ok<StreamUrl>, ProblemHttpResult>> CreateStreamUrl(
        string roomId, HttpContext context, IGrainFactory grains, StreamTokens tokens, IOptions<PublicUrlOptions> urls)
    {
        if (!RoomIds.IsWellFormed(roomId)) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        var room = grains.GetGrain<IRoomGrain>(roomId);
        if (await room.GetAsync() is not { } view) return Problems.Error(ErrorCodes.RoomNotFound, "Room not found.");
        if (!view.IsActive) return Problems.Error(ErrorCodes.RoomClosed, "The room is closed.");
        var userId = context.User.UserId();
        if (await room.RoleOfAsync(userId) is null) return Problems.Error(ErrorCodes.NotMember, "You are not a member of this room.");
        if (view.MovieSource is not { Type: MovieSourceTypes.GoogleDrive, FileId: { } fileId } source)
            return Problems.Error(ErrorCodes.FileNotFound, "The room's video is not a Google Drive file.");

        var owner = OwnerOf(source);
        var driveUserId = owner == MovieOwners.User ? source.DriveUserId ?? view.HostId : null;
        if (await OwnerHasLeftAsync(room, driveUserId)) return OwnerLeft();
        var (token, expiresAt) = tokens.Create(roomId, fileId, owner, userId, driveUserId);
        var url = $"{urls.Value.ApiBase(context.Request)}/api/stream/{Uri.EscapeDataString(fileId)}?owner={owner}&token={Uri.EscapeDataString(token)}";
        return TypedResults.Ok(new StreamUrl(url, expiresAt));
    }

    private static string OwnerOf(MovieSource source) => source.Owner == MovieOwners.User ? MovieOwners.User : MovieOwners.Service;

    /// <summary>A user's own Drive serves a room only while that user is in it (<paramref name="driveUserId"/> null: the service account).</summary>
    private static async Task<bool> OwnerHasLeftAsync(IRoomGrain room, string? driveUserId) =>
        driveUserId is not null && await room.RoleOfAsync(driveUserId) is null;

    private static ProblemHttpResult OwnerLeft() =>
        Problems.Error(ErrorCodes.Forbidden, "The video comes from the Drive of someone who has left the room; it no longer streams.");

    /// <summary>The proxy: checks the token and the room, then copies Drive's answer to the client.</summary>
    private static async Task<IResult> Stream(string fileId, HttpContext context, StreamTokens tokens, IGrainFactory grains,
        DriveAccounts accounts, DriveMovies movies, DriveClient drive, StreamSlots slots, IOptions<StreamOptions> options)
    {
        // Whatever this answers (bytes or a problem), nothing of it is sniffed or runs as a page here.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox";
        var query = context.Request.Query;
        if (query["token"].ToString() is not { Length: > 0 } token)
            return Problems.Error(ErrorCodes.Unauthorized, "A stream token is required: ask GET /api/rooms/{room_id}/stream-url for a stream URL.");
        if (tokens.Read(token) is not { } grant) return Problems.Error(ErrorCodes.Unauthorized, "The stream token is not valid.");
        if (tokens.IsExpired(grant)) return Problems.Error(ErrorCodes.Unauthorized, "The stream token has expired; ask for a new stream URL.");
        var owner = query["owner"].ToString() is { Length: > 0 } o ? o : grant.Owner;
        if (grant.FileId != fileId || grant.Owner != owner)
            return Problems.Error(ErrorCodes.Forbidden, "The stream token is for another file.");
        if (context.User.Identity?.IsAuthenticated == true && context.User.UserId() != grant.ViewerId)
            return Problems.Error(ErrorCodes.Forbidden, "The stream token was issued to another user.");

        // The token is only as good as the room behind it: a viewer who left or was removed, or a
        // video that changed, ends what old URLs can read.
        var room = grains.GetGrain<IRoomGrain>(grant.RoomId);
        if (await room.GetAsync() is not { IsActive: true } view)
            return Problems.Error(ErrorCodes.Forbidden, "The room of this stream token is closed.");
        if (await room.RoleOfAsync(grant.ViewerId) is null)
            return Problems.Error(ErrorCodes.NotMember, "You are no longer a member of the room.");
        if (view.MovieSource is not { Type: MovieSourceTypes.GoogleDrive } source || source.FileId != fileId || OwnerOf(source) != grant.Owner
            || (grant.Owner == MovieOwners.User && (source.DriveUserId ?? view.HostId) != grant.DriveUserId))
            return Problems.Error(ErrorCodes.Forbidden, "The room's video has changed; ask for a new stream URL.");
        if (grant.Owner == MovieOwners.User && await OwnerHasLeftAsync(room, grant.DriveUserId)) return OwnerLeft();

        var ct = context.RequestAborted;
        HttpResponseMessage? upstream = null;
        IDisposable? slot = null;
        try
        {
            var access = grant.Owner == MovieOwners.User ? accounts.User(grant.DriveUserId!) : accounts.Service();
            var movie = await movies.GetAsync(access, fileId, fresh: false, ct);
            DriveMovies.EnsureVideo(movie);
            if (HttpMethods.IsHead(context.Request.Method))
            {
                // Size and type from the (cached) metadata; Drive's bytes are not asked for.
                context.Response.ContentType = movie.MimeType;
                context.Response.ContentLength = movie.Size;
                context.Response.Headers.AcceptRanges = "bytes";
                return TypedResults.Ok();
            }

            string? range = null;
            var ranges = context.Request.GetTypedHeaders().Range;
            if (ranges is { Unit.Value: "bytes", Ranges.Count: 1 })
            {
                var r = ranges.Ranges.First();
                if (ToByteRange(r.From, r.To, movie.Size) is not { } bytes) return RangeNotSatisfiable(context, movie.Size);
                range = $"bytes={bytes.Start}-{bytes.End}";
            }
            // A malformed or multi-part Range is ignored: the whole file (RFC 9110 allows it).
            var ifRange = range is null ? null : context.Request.Headers.IfRange.ToString() is { Length: > 0 } ir ? ir : null;

            slot = slots.TryAcquire(grant.ViewerId);
            if (slot is null)
            {
                context.Response.Headers.RetryAfter = "1";
                return Problems.Error(ErrorCodes.RateLimited, $"At most {slots.Limit} streams at once per viewer; close another player first.");
            }
            upstream = await drive.OpenMediaAsync(access, fileId, range, ifRange, ct);
            if (upstream.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // Our cached size was stale: Drive knows better.
                await movies.ForgetAsync(access, fileId);
                var size = upstream.Content.Headers.ContentRange?.Length ?? movie.Size;
                upstream.Dispose();
                return RangeNotSatisfiable(context, size);
            }
            var result = new DriveStreamResult(upstream, slot, movie.MimeType, options.Value.BufferSize);
            (upstream, slot) = (null, null); // the result owns them now
            return result;
        }
        catch (DriveException ex)
        {
            return Problems.Error(ex.Code, ex.Message);
        }
        finally
        {
            upstream?.Dispose();
            slot?.Dispose();
        }
    }

    /// <summary>A single <c>Range</c> resolved against the size, or null when it cannot be satisfied.</summary>
    internal static (long Start, long End)? ToByteRange(long? from, long? to, long size)
    {
        if (from is { } start)
        {
            if (start >= size) return null;
            return (start, Math.Min(to ?? size - 1, size - 1));
        }
        if (to is { } suffix and > 0 && size > 0) return (Math.Max(0, size - suffix), size - 1);
        return null;
    }

    private static IResult RangeNotSatisfiable(HttpContext context, long size)
    {
        context.Response.Headers.ContentRange = $"bytes */{size}";
        context.Response.Headers.AcceptRanges = "bytes";
        return TypedResults.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
    }

    /// <summary>
    /// Copies Drive's answer to the client one bounded buffer at a time: memory stays flat whatever the size.
    /// The copy runs on <see cref="HttpContext.RequestAborted"/>, so a client that goes away stops it,
    /// and disposing Drive's response closes the upstream connection mid-body. <c>Content-Type</c> is the
    /// checked video type of the metadata, not what Drive's response says. The viewer's stream slot is
    /// given back when the copy ends.
    /// </summary>
    private sealed class DriveStreamResult(HttpResponseMessage upstream, IDisposable slot, string videoType, int bufferSize) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            using var _ = upstream;
            using var __ = slot;
            var response = context.Response;
            var content = upstream.Content.Headers;
            response.StatusCode = (int)upstream.StatusCode;
            response.ContentType = videoType;
            if (content.ContentLength is { } length) response.ContentLength = length;
            if (content.ContentRange is { } contentRange) response.Headers.ContentRange = contentRange.ToString();
            if (upstream.Headers.ETag is { } etag) response.Headers.ETag = etag.ToString();
            if (content.LastModified is { } modified) response.Headers.LastModified = modified.ToString("R");
            response.Headers.AcceptRanges = "bytes";
            response.Headers.CacheControl = "private, no-transform";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            // Drive's bytes are read straight into Kestrel's output pipe, at most one buffer at a time:
            // FlushAsync waits while the client is slower than Drive, so nothing piles up, and reports
            // a closed connection at once (RequestAborted is signalled later, from the thread pool).
            var ct = context.RequestAborted;
            var writer = response.BodyWriter;
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    var memory = writer.GetMemory(bufferSize);
                    var read = await body.ReadAsync(memory.Length > bufferSize ? memory[..bufferSize] : memory, ct);
                    if (read == 0) break;
                    writer.Advance(read);
                    WebTelemetry.DriveStreamBytes.Add(read);
                    var flushed = await writer.FlushAsync(ct);
                    if (flushed.IsCompleted || flushed.IsCanceled) break; // the client went away
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client went away; disposing upstream stops Drive's side too.
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                // Drive's body broke off mid-way: the length we promised cannot be kept.
                context.Abort();
            }
        }
    }
}

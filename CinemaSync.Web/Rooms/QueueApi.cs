using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CinemaSync.Web.Rooms;

/// <summary>The room's queue under <c>/api/rooms/{id}/queue</c>: the REST twin of <c>queue_add</c>.</summary>
public static class QueueApi
{
    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/rooms/{roomId}/queue").RequireAuthorization().WithTags("Queue").MapPost("/", Add);
        return app;
    }

    /// <summary><c>{ movie_source (with subtitles?), title?, duration_ms? }</c> as <c>queue_add</c>: <c>201</c> the item.</summary>
    private static async Task<Results<Created<QueueItem>, ValidationProblem, ProblemHttpResult>> Add(
        string roomId, HttpContext context, RoomGateway rooms, HubRateLimiter limiter, CancellationToken ct)
    {
        if (await RoomsApi.ReadBodyAsync(context, ct) is not { } body) return RoomsApi.NotJson();
        if (RoomRequests.ReadQueueAdd(body) is not { } add) return Problems.Invalid(body);
        if (RoomsApi.Refuse(roomId, HubAction.Queue, limiter, context) is { } refused) return refused;
        var result = await rooms.QueueAddAsync(roomId, context.User.UserId(), add, ct);
        // An item has no route of its own (the queue is part of the room), so no Location.
        return result.IsOk ? TypedResults.Created((string?)null, result.Value!) : Problems.Error(result);
    }
}

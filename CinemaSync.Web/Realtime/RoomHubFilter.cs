using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Observability;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

/// <summary>
/// What every <see cref="RoomHub"/> method shares, around the method: the token must still be valid,
/// the method's rate limit (<see cref="HubLimitAttribute"/>) must have room, the payload must be a
/// JSON object, and any failure becomes an <c>unavailable</c> ack. Each ack is counted by method and
/// result. A connection that keeps hitting the limit is closed.
/// </summary>
public sealed class RoomHubFilter(HubRateLimiter limiter, TimeProvider clock, ILogger<RoomHubFilter> logger) : IHubFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, HubAction?> Limits = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocation.Context;
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ConnectionId"] = context.ConnectionId,
            ["UserId"] = context.User?.FindFirst("sub")?.Value,
        });
        var ack = await InvokeUnmeasuredAsync(invocation, next);
        WebTelemetry.HubAcks.Add(1, new KeyValuePair<string, object?>("method", invocation.HubMethod.Name),
            new KeyValuePair<string, object?>("result", ack is HubAcks.Failed failed ? failed.Error : "ok"));
        return ack;
    }

    private async ValueTask<object?> InvokeUnmeasuredAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocation.Context;
        try
        {
            if (context.User is not { } user || user.IsExpired(clock.GetUtcNow()))
                return HubAcks.Fail(ErrorCodes.Unauthorized, "The token has expired; sign in again and reconnect.");
            var action = Limits.GetOrAdd(invocation.HubMethod, m => m.GetCustomAttribute<HubLimitAttribute>()?.Action)
                ?? throw new InvalidOperationException($"Hub method {invocation.HubMethodName} has no [HubLimit].");
            if (!limiter.TryAcquire(action, context.ConnectionId, user.UserId()))
            {
                if (limiter.RefusedTooOften(context.ConnectionId))
                {
                    logger.LogWarning("Closing connection {ConnectionId}: it kept flooding the hub", context.ConnectionId);
                    context.Abort();
                }
                return HubAcks.Fail(ErrorCodes.RateLimited, "Too many requests; slow down.");
            }
            if (invocation.HubMethodArguments is [JsonElement { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } payload, ..])
                return HubAcks.Invalid(PayloadReader.Open(payload));
            return await next(invocation);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Hub method failed for connection {ConnectionId}", context.ConnectionId);
            return HubAcks.Fail(ErrorCodes.Unavailable, "The server could not complete this request. Try again.");
        }
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        WebTelemetry.Connections.Add(1);
        return next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        WebTelemetry.Connections.Add(-1);
        limiter.Forget(context.Context.ConnectionId);
        await next(context, exception);
    }
}

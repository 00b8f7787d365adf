using System.Globalization;
using System.Threading.RateLimiting;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CinemaSync.Web.Auth;

/// <summary>
/// Rate limits for sign-in and Google OAuth (fixed one-minute windows): the Firebase exchange per
/// client IP; the development sign-in per display name (<see cref="DevSignInLimiter"/>); OAuth
/// per user, or per IP for the anonymous callback. Over the limit: <c>429</c> problem with
/// <c>error: rate_limited</c> and <c>Retry-After</c>.
/// </summary>
public static class RateLimits
{
    public const string Login = "login";
    public const string OAuth = "oauth";

    public static WebApplicationBuilder AddCinemaSyncRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DevSignInLimiter>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) => new ValueTask(Refuse(context.HttpContext, context.Lease).ExecuteAsync(context.HttpContext));
            limiter.AddPolicy(Login, http => PerMinute("ip:" + ClientIp(http), Options(http).LoginRateLimitPerMinute));
            limiter.AddPolicy(OAuth, http =>
            {
                var key = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } userId ? "user:" + userId : "ip:" + ClientIp(http);
                return PerMinute(key, Options(http).OAuthRateLimitPerMinute);
            });
        });
        return builder;
    }

    /// <summary>The refusal of a lease that was not granted: <c>Retry-After</c> when the limiter knows it, and the problem.</summary>
    internal static ProblemHttpResult Refuse(HttpContext http, RateLimitLease lease)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problems.Error(ErrorCodes.RateLimited, "Too many requests; try again shortly.");
    }

    private static AuthOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;

    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    internal static RateLimitPartition<string> PerMinute(string key, int permits) =>
        permits <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
}

/// <summary>
/// The development sign-in's limit: <c>Auth:LoginRateLimitPerMinute</c> sign-ins per minute per
/// display name (trimmed, case-insensitive), not per IP. Dev sign-in exists to try the server
/// from one machine, where many people (or the load tester's simulated members) sign in from
/// one address; the name is the only identity it has, so that is what the limit counts. The
/// Firebase exchange keeps its per-IP limit. Idle names are dropped by the limiter.
/// </summary>
public sealed class DevSignInLimiter(IOptions<AuthOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        name => RateLimits.PerMinute(name, options.Value.LoginRateLimitPerMinute), StringComparer.Ordinal);

    public RateLimitLease Acquire(string displayName) => _limiter.AttemptAcquire(displayName.Trim().ToUpperInvariant());

    public void Dispose() => _limiter.Dispose();
}

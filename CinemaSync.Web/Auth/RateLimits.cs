using System.Globalization;
using System.Threading.RateLimiting;
using CinemaSync.Grains.Abstractions;
using CinemaSync.Web.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CinemaSync.Web.Auth;

/// <summary>
/// Rate limits for sign-in and Google OAuth (ASP.NET Core rate limiter, fixed one-minute windows):
/// sign-in per client IP; OAuth per user, or per IP for the anonymous callback. Over the limit:
/// <c>429</c> problem with <c>error: rate_limited</c> and <c>Retry-After</c>.
/// </summary>
public static class RateLimits
{
    public const string Login = "login";
    public const string OAuth = "oauth";

    public static WebApplicationBuilder AddCinemaSyncRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await Problems.Error(ErrorCodes.RateLimited, "Too many requests; try again shortly.").ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(Login, http => PerMinute("ip:" + ClientIp(http), Options(http).LoginRateLimitPerMinute));
            limiter.AddPolicy(OAuth, http =>
            {
                var key = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } userId ? "user:" + userId : "ip:" + ClientIp(http);
                return PerMinute(key, Options(http).OAuthRateLimitPerMinute);
            });
        });
        return builder;
    }

    private static AuthOptions Options(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;

    private static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        permits <= 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
}

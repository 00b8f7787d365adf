using System.Security.Cryptography;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Auth;

public static class AuthApi
{
    public sealed record UserBody(string UserId, string DisplayName, string? Email, string? PhotoUrl)
    {
        public static UserBody From(UserProfile p) => new(p.UserId, p.DisplayName, p.Email, p.PhotoUrl);
    }

    public sealed record TokenBody(string Token, long ExpiresAt, UserBody User);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.MapPost("/exchange", Exchange).AllowAnonymous().RequireRateLimiting(RateLimits.Login);
        auth.MapPost("/dev", DevLogin).AllowAnonymous(); // limited per display name, in the handler
        auth.MapGet("/me", Me).RequireAuthorization();
        return app;
    }

    /// <summary>Trades a verified Firebase ID token for a backend token; creates or updates the user's profile.</summary>
    private static async Task<Results<Ok<TokenBody>, ValidationProblem, ProblemHttpResult>> Exchange(
        HttpRequest request, FirebaseTokenVerifier firebase, IGrainFactory grains, BackendTokens tokens, CancellationToken ct)
    {
        if (!firebase.IsConfigured)
            return Problems.Error(ErrorCodes.NotConfigured, "Firebase sign-in is not configured on this server (FIREBASE_PROJECT_ID).");
        if (await JsonBody.ReadAsync(request, ct) is not { } json)
            return Problems.Error(ErrorCodes.InvalidPayload, "The body must be a JSON object.");
        var body = PayloadReader.Open(json);
        var idToken = body.String("id_token", required: true, maxLength: FirebaseTokenVerifier.MaxTokenLength, minLength: 1);
        if (!body.IsValid) return Problems.Invalid(body);

        FirebaseIdentity identity;
        try
        {
            identity = await firebase.VerifyAsync(idToken!, ct);
        }
        catch (FirebaseTokenRejectedException rejected)
        {
            return Problems.Error(ErrorCodes.Unauthorized, rejected.Message);
        }
        catch (FirebaseKeysUnavailableException)
        {
            return Problems.Error(ErrorCodes.Unavailable, "Firebase signing keys could not be fetched. Try again.");
        }

        var profile = await grains.GetGrain<IUserGrain>(identity.Uid).SaveProfileAsync(new UserProfile
        {
            UserId = identity.Uid,
            DisplayName = DisplayNameOf(identity),
            Email = identity.Email,
            PhotoUrl = identity.Picture,
        });
        var (token, expiresAt) = tokens.Issue(profile);
        return TypedResults.Ok(new TokenBody(token, expiresAt, UserBody.From(profile)));
    }

    /// <summary>The <c>name</c> claim, else the e-mail's local part, else "User"; printable and within the length limit.</summary>
    internal static string DisplayNameOf(FirebaseIdentity identity)
    {
        foreach (var candidate in new[] { identity.Name, identity.Email?.Split('@')[0] })
        {
            if (string.IsNullOrWhiteSpace(candidate)) continue;
            var printable = new string(candidate.Where(c => !char.IsControl(c)).ToArray()).Trim();
            var runes = printable.EnumerateRunes().Take(TextRules.DisplayNameMaxLength);
            var name = string.Concat(runes.Select(r => r.ToString())).Trim();
            if (name.Length > 0) return name;
        }
        return "User";
    }

    /// <summary>Signs in without Firebase: a new user with the given display name.</summary>
    private static async Task<Results<Ok<TokenBody>, ValidationProblem, ProblemHttpResult, NotFound>> DevLogin(
        HttpRequest request, IOptions<AuthOptions> options, DevSignInLimiter limiter, IGrainFactory grains, BackendTokens tokens,
        CancellationToken ct)
    {
        if (options.Value.DevLogin != true) return TypedResults.NotFound();
        if (await JsonBody.ReadAsync(request, ct) is not { } json)
            return Problems.Error(ErrorCodes.InvalidPayload, "The body must be a JSON object.");
        var body = PayloadReader.Open(json);
        var displayName = body.String("display_name", required: true, maxLength: TextRules.DisplayNameMaxLength, minLength: 1);
        if (displayName is not null && !TextRules.IsPrintable(displayName)) body.Fail("display_name", "must not contain control characters.");
        if (!body.IsValid) return Problems.Invalid(body);
        using var lease = limiter.Acquire(displayName!);
        if (!lease.IsAcquired) return RateLimits.Refuse(request.HttpContext, lease);

        var userId = "dev_" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
        var profile = await grains.GetGrain<IUserGrain>(userId)
            .SaveProfileAsync(new UserProfile { UserId = userId, DisplayName = displayName! });
        var (token, expiresAt) = tokens.Issue(profile);
        return TypedResults.Ok(new TokenBody(token, expiresAt, UserBody.From(profile)));
    }

    private static async Task<Ok<UserBody>> Me(HttpContext context, IGrainFactory grains)
    {
        var actor = context.User.Actor();
        var profile = await grains.GetGrain<IUserGrain>(actor.UserId).GetProfileAsync()
                      ?? new UserProfile { UserId = actor.UserId, DisplayName = actor.DisplayName };
        return TypedResults.Ok(UserBody.From(profile));
    }
}

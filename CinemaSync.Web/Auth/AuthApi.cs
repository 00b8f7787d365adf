using System.Security.Cryptography;
using CinemaSync.Grains.Abstractions;
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
        auth.MapPost("/dev", DevLogin).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthorization();
        return app;
    }

    /// <summary>Signs in without Firebase: a new user with the given display name.</summary>
    private static async Task<Results<Ok<TokenBody>, ValidationProblem, ProblemHttpResult, NotFound>> DevLogin(
        HttpRequest request, IOptions<AuthOptions> options, IGrainFactory grains, BackendTokens tokens, CancellationToken ct)
    {
        if (options.Value.DevLogin != true) return TypedResults.NotFound();
        if (await JsonBody.ReadAsync(request, ct) is not { } json)
            return Problems.Error(ErrorCodes.InvalidPayload, "The body must be a JSON object.");
        var body = PayloadReader.Open(json);
        var displayName = body.String("display_name", required: true, maxLength: TextRules.DisplayNameMaxLength, minLength: 1);
        if (displayName is not null && !TextRules.IsPrintable(displayName)) body.Fail("display_name", "must not contain control characters.");
        if (!body.IsValid) return Problems.Invalid(body);

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

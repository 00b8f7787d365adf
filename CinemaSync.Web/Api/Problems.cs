using CinemaSync.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CinemaSync.Web.Api;

/// <summary>Error codes as <c>application/problem+json</c> with the status CONTRACT.md gives each.</summary>
public static class Problems
{
    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.InvalidPayload => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden or ErrorCodes.NotHost or ErrorCodes.NotMember
            or ErrorCodes.InvalidPassword or ErrorCodes.Banned => StatusCodes.Status403Forbidden,
        ErrorCodes.RoomNotFound or ErrorCodes.FileNotFound => StatusCodes.Status404NotFound,
        ErrorCodes.StaleVersion or ErrorCodes.RoomFull or ErrorCodes.LimitReached => StatusCodes.Status409Conflict,
        ErrorCodes.RoomClosed => StatusCodes.Status410Gone,
        ErrorCodes.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCodes.DriveError => StatusCodes.Status502BadGateway,
        ErrorCodes.Unavailable or ErrorCodes.NotConfigured => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.GoogleNotConnected => StatusCodes.Status403Forbidden,
        ErrorCodes.ChatDisabled or ErrorCodes.ReactionsDisabled => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult Error(string code, string message, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = code };
        if (extra is not null)
            foreach (var (key, value) in extra) extensions[key] = value;
        return TypedResults.Problem(detail: message, statusCode: StatusOf(code), title: TitleOf(code), extensions: extensions);
    }

    /// <summary>A refused room command; a refusal that carries the playback state (<c>stale_version</c>) gives it as <c>playback_state</c>.</summary>
    public static ProblemHttpResult Error<T>(RoomResult<T> failed) => Error(failed.Error!, failed.Message ?? failed.Error!,
        failed.Value is PlaybackState state ? new Dictionary<string, object?> { ["playback_state"] = state } : null);

    public static ValidationProblem Invalid(PayloadReader reader) =>
        TypedResults.ValidationProblem(
            reader.Errors,
            detail: reader.Summary,
            title: "The request body is not valid.",
            extensions: new Dictionary<string, object?> { ["error"] = ErrorCodes.InvalidPayload });

    private static string TitleOf(string code) => code switch
    {
        ErrorCodes.InvalidPayload => "The request is not valid.",
        ErrorCodes.Unauthorized => "Authentication is required.",
        ErrorCodes.RoomNotFound => "Room not found.",
        ErrorCodes.RoomClosed => "The room is closed.",
        ErrorCodes.NotHost => "Only the host can do this.",
        ErrorCodes.NotMember => "You are not a member of this room.",
        ErrorCodes.InvalidPassword => "Invalid password.",
        ErrorCodes.StaleVersion => "The playback state has changed.",
        ErrorCodes.RoomFull => "The room is full.",
        ErrorCodes.LimitReached => "A limit of this room is reached.",
        ErrorCodes.Unavailable => "Try again.",
        ErrorCodes.NotConfigured => "Not configured on this server.",
        ErrorCodes.RateLimited => "Too many requests.",
        ErrorCodes.GoogleNotConnected => "Google account not connected.",
        _ => code.Replace('_', ' '),
    };
}

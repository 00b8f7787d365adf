using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CinemaSync.Web.Drive;

/// <summary>
/// The Drive catalogue: <c>/api/movies</c> (the service account's videos, recent room videos, search,
/// metadata) and <c>/api/google/drive/videos</c> (the caller's own videos through their OAuth tokens).
/// </summary>
public static class MoviesApi
{
    public sealed record MoviePage(IReadOnlyList<MovieInfo> Movies, string? NextPageToken);
    public sealed record MovieList(IReadOnlyList<MovieInfo> Movies);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 200;
    private const string OrderBy = "modifiedTime desc";

    public static IEndpointRouteBuilder MapMoviesApi(this IEndpointRouteBuilder app)
    {
        var movies = app.MapGroup("/api/movies").RequireAuthorization().WithTags("Movies");
        movies.MapGet("/", List);
        movies.MapGet("/recent", Recent);
        movies.MapGet("/search", Search);
        movies.MapGet("/{fileId}", Get);
        app.MapGet("/api/google/drive/videos", MyVideos).RequireAuthorization().RequireRateLimiting(RateLimits.OAuth).WithTags("Google");
        return app;
    }

    /// <summary>The service account's videos, newest first, a page at a time.</summary>
    private static Task<IResult> List(HttpContext context, DriveAccounts accounts, DriveMovies movies, CancellationToken ct) =>
        DriveCall(async () =>
        {
            var paging = ReadPaging(context.Request.Query);
            if (!paging.Reader.IsValid) return Problems.Invalid(paging.Reader);
            var (list, next) = await movies.ListAsync(accounts.Service(), DriveQuery.And(DriveQuery.Videos, DriveQuery.NotTrashed),
                paging.Size, paging.Token, OrderBy, ct);
            return TypedResults.Ok(new MoviePage(list, next));
        });

    /// <summary>Videos recently set in rooms, newest first; before any, the videos at the root of the service account's Drive.</summary>
    private static Task<IResult> Recent(DriveAccounts accounts, DriveMovies movies, IGrainFactory grains, CancellationToken ct) =>
        DriveCall(async () =>
        {
            var access = accounts.Service();
            var recent = await grains.GetGrain<IRecentMoviesGrain>(IRecentMoviesGrain.DefaultKey).GetAsync(DefaultPageSize);
            if (recent.Count > 0) return TypedResults.Ok(new MovieList(recent));
            var (root, _) = await movies.ListAsync(access, DriveQuery.And(DriveQuery.InParents("root"), DriveQuery.Videos, DriveQuery.NotTrashed),
                DefaultPageSize, null, OrderBy, ct);
            return TypedResults.Ok(new MovieList(root));
        });

    /// <summary>Videos whose name contains <c>q</c> (escaped into the Drive query: quotes and backslashes are text).</summary>
    private static Task<IResult> Search(HttpContext context, DriveAccounts accounts, DriveMovies movies, CancellationToken ct) =>
        DriveCall(async () =>
        {
            var paging = ReadPaging(context.Request.Query);
            var q = ReadSearch(context.Request.Query, paging.Reader, required: true);
            if (!paging.Reader.IsValid) return Problems.Invalid(paging.Reader);
            var (list, next) = await movies.ListAsync(accounts.Service(),
                DriveQuery.And(DriveQuery.NameContains(q!), DriveQuery.Videos, DriveQuery.NotTrashed), paging.Size, paging.Token, OrderBy, ct);
            return TypedResults.Ok(new MoviePage(list, next));
        });

    /// <summary>One file's metadata (service account), cached for <c>Drive:MetadataTtl</c>.</summary>
    private static Task<IResult> Get(string fileId, DriveAccounts accounts, DriveMovies movies, CancellationToken ct) =>
        DriveCall(async () =>
        {
            if (!IsFileId(fileId)) return Problems.Error(ErrorCodes.FileNotFound, "Not a Drive file id.");
            return TypedResults.Ok(await movies.GetAsync(accounts.Service(), fileId, fresh: false, ct));
        });

    /// <summary>The caller's own Drive videos (their Google OAuth tokens), optionally filtered by name with <c>q</c>.</summary>
    private static Task<IResult> MyVideos(HttpContext context, DriveAccounts accounts, DriveMovies movies, CancellationToken ct) =>
        DriveCall(async () =>
        {
            var paging = ReadPaging(context.Request.Query);
            var q = ReadSearch(context.Request.Query, paging.Reader, required: false);
            if (!paging.Reader.IsValid) return Problems.Invalid(paging.Reader);
            var query = DriveQuery.And(q is null ? "" : DriveQuery.NameContains(q), DriveQuery.Videos, DriveQuery.NotTrashed);
            var (list, next) = await movies.ListAsync(accounts.User(context.User.UserId()), query, paging.Size, paging.Token, OrderBy, ct);
            return TypedResults.Ok(new MoviePage(list, next));
        });

    /// <summary>Runs a Drive-backed handler, turning <see cref="DriveException"/>s into problem details.</summary>
    internal static async Task<IResult> DriveCall(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (DriveException ex)
        {
            return Problems.Error(ex.Code, ex.Message);
        }
    }

    internal static bool IsFileId(string fileId) =>
        fileId.Length is > 0 and <= 256 && fileId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private sealed record Paging(int Size, string? Token, PayloadReader Reader);

    private static Paging ReadPaging(IQueryCollection query)
    {
        var reader = PayloadReader.Open(default);
        var size = DefaultPageSize;
        if (query["page_size"].ToString() is { Length: > 0 } text)
        {
            if (int.TryParse(text, out var n) && n is >= 1 and <= MaxPageSize) size = n;
            else reader.Fail("page_size", $"must be an integer between 1 and {MaxPageSize}.");
        }
        var token = query["page_token"].ToString();
        if (token.Length > 2048) reader.Fail("page_token", "is too long.");
        return new Paging(size, token.Length == 0 ? null : token, reader);
    }

    private static string? ReadSearch(IQueryCollection query, PayloadReader reader, bool required)
    {
        var q = query["q"].ToString().Trim();
        if (q.Length == 0)
        {
            if (required) reader.Fail("q", "is required.");
            return null;
        }
        if (TextRules.CodePoints(q) > MaxSearchLength) reader.Fail("q", $"must be at most {MaxSearchLength} characters.");
        return q;
    }
}

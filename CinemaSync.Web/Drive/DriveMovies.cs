using System.Text.RegularExpressions;
using CinemaSync.Contracts;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

/// <summary>Drive files as movies: listings, and metadata cached in <see cref="IMovieMetadataGrain"/>s for <see cref="DriveOptions.MetadataTtl"/>.</summary>
public sealed partial class DriveMovies(DriveClient drive, DriveAccounts accounts, IGrainFactory grains, IOptions<DriveOptions> options, TimeProvider clock)
{
    public const string Fields = DriveClient.FileFields;

    public async Task<(IReadOnlyList<MovieInfo> Movies, string? NextPageToken)> ListAsync(
        DriveAccess access, string query, int pageSize, string? pageToken, string? orderBy, CancellationToken ct)
    {
        var page = await drive.ListAsync(access, new DriveListRequest { Query = query, PageSize = pageSize, PageToken = pageToken, OrderBy = orderBy }, ct);
        var movies = page.Files.Select(f => f.ToMovie(access.Owner)).ToList();
        return (movies, string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken);
    }

    /// <summary>
    /// A file's metadata as <paramref name="access"/> sees it: from the cache while fresh, else from Drive
    /// (then cached). <paramref name="fresh"/> always asks Drive (a permission check). A file Drive no longer
    /// shows is dropped from the cache.
    /// </summary>
    public async Task<MovieInfo> GetAsync(DriveAccess access, string fileId, bool fresh, CancellationToken ct)
    {
        var cache = grains.GetGrain<IMovieMetadataGrain>(MovieOwners.CacheKey(access.Owner, access.UserId, fileId));
        if (!fresh && await cache.GetAsync() is { } cached
            && clock.GetUtcNow().ToUnixTimeMilliseconds() - cached.FetchedAt < (long)options.Value.MetadataTtl.TotalMilliseconds)
            return cached.Movie;
        DriveFile file;
        try
        {
            file = await drive.GetAsync(access, fileId, ct);
        }
        catch (DriveException ex) when (ex.Code == ErrorCodes.FileNotFound)
        {
            await cache.ForgetAsync();
            throw;
        }
        var movie = file.ToMovie(access.Owner) with { FileId = fileId };
        await cache.SetAsync(movie);
        return movie;
    }

    /// <summary>Forgets cached metadata (the file changed under us).</summary>
    public Task ForgetAsync(DriveAccess access, string fileId) =>
        grains.GetGrain<IMovieMetadataGrain>(MovieOwners.CacheKey(access.Owner, access.UserId, fileId)).ForgetAsync();

    /// <summary>
    /// The one rule for Drive files in rooms: only a <c>video/*</c> file (a plain media type, no parameters)
    /// can become a room video or queue item, or be streamed, and its type is what the proxy answers with.
    /// </summary>
    /// <exception cref="DriveException"><c>invalid_payload</c> (400): not a video.</exception>
    public static void EnsureVideo(MovieInfo movie)
    {
        if (!VideoType().IsMatch(movie.MimeType))
            throw new DriveException(ErrorCodes.InvalidPayload,
                $"The Drive file is not a video ({(movie.MimeType.Length is > 0 and <= 100 ? movie.MimeType : "unknown type")}); only video files can be watched.");
    }

    [GeneratedRegex("^video/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex VideoType();

    /// <summary>
    /// Checks that a room video on Drive is a video (<see cref="EnsureVideo"/>) and readable — by the service account, or with owner "user" by
    /// <paramref name="userId"/>'s own Drive — and fills in its name, size, type and duration.
    /// </summary>
    public async Task<(MovieSource Source, MovieInfo Movie)> ResolveVideoAsync(MovieSource source, string userId, CancellationToken ct)
    {
        var (resolved, movie) = await ResolveFileAsync(source, userId, ct);
        EnsureVideo(movie);
        return (resolved with { DurationMs = movie.DurationMs }, movie);
    }

    /// <summary>
    /// Checks that a subtitle track's Drive file is readable as the video's would be (service account, or
    /// <paramref name="userId"/>'s own Drive with owner "user"), is no video, and is small enough to serve;
    /// its contents are checked when it is served.
    /// </summary>
    public async Task<(MovieSource Source, MovieInfo Movie)> ResolveSubtitleAsync(MovieSource source, string userId, CancellationToken ct)
    {
        var (resolved, movie) = await ResolveFileAsync(source, userId, ct);
        if (VideoType().IsMatch(movie.MimeType))
            throw new DriveException(ErrorCodes.InvalidSubtitle, "The Drive file is a video, not a subtitle file.");
        if (movie.Size > SubtitleValues.MaxFileBytes)
            throw new DriveException(ErrorCodes.InvalidSubtitle, $"The subtitle file is larger than {SubtitleValues.MaxFileBytes / 1024} KiB.");
        return (resolved, movie);
    }

    /// <summary>The file read with the rights its owner gives: the service account, or with owner "user" <paramref name="userId"/>'s Drive.</summary>
    private async Task<(MovieSource Source, MovieInfo Movie)> ResolveFileAsync(MovieSource source, string userId, CancellationToken ct)
    {
        var owner = source.Owner == MovieOwners.User ? MovieOwners.User : MovieOwners.Service;
        var access = accounts.For(owner, userId);
        var movie = await GetAsync(access, source.FileId!, fresh: true, ct);
        return (source with
        {
            Owner = owner,
            DriveUserId = owner == MovieOwners.User ? userId : null,
            Name = movie.Name,
            MimeType = movie.MimeType,
            Size = movie.Size,
        }, movie);
    }

    /// <summary>Records a service-account video a room started using (for <c>/api/movies/recent</c>).</summary>
    public Task RecordRecentAsync(MovieInfo movie) =>
        movie.Owner == MovieOwners.Service
            ? grains.GetGrain<IRecentMoviesGrain>(IRecentMoviesGrain.DefaultKey).AddAsync(movie)
            : Task.CompletedTask;
}

using System.Text.Json.Serialization;

namespace CinemaSync.Contracts;

public static class MovieOwners
{
    public const string Service = "service";
    public const string User = "user";

    /// <summary>The <see cref="IMovieMetadataGrain"/> key of a file as seen by the service account or by one user.</summary>
    public static string CacheKey(string owner, string? driveUserId, string fileId) =>
        owner == User ? $"user/{driveUserId}/{fileId}" : $"service/{fileId}";
}

/// <summary>A Drive video as the movies API shows it (CONTRACT.md "Movie").</summary>
[GenerateSerializer, Immutable]
public sealed record MovieInfo
{
    [Id(0)] public required string FileId { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public string MimeType { get; init; } = "";
    [Id(3)] public long Size { get; init; }
    [Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? DurationMs { get; init; }
    [Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ThumbnailUrl { get; init; }
    /// <summary>Epoch milliseconds of Drive's <c>modifiedTime</c>.</summary>
    [Id(6)] public long ModifiedAt { get; init; }
    /// <summary>"service" (the service account's Drive) or "user" (a user's own Drive).</summary>
    [Id(7)] public string Owner { get; init; } = MovieOwners.Service;
}

/// <summary>Metadata as cached, with when it was fetched from Drive.</summary>
[GenerateSerializer, Immutable]
public sealed record CachedMovie
{
    [Id(0)] public required MovieInfo Movie { get; init; }
    [Id(1)] public long FetchedAt { get; init; }
}

/// <summary>
/// Cached metadata of one Drive file. Key: <c>service/{file_id}</c> or <c>user/{user_id}/{file_id}</c>
/// (see <see cref="MovieOwners.CacheKey"/>). Persisted, so the cache survives a restart; the reader decides what is fresh.
/// </summary>
[Alias("CinemaSync.IMovieMetadataGrain")]
public interface IMovieMetadataGrain : IGrainWithStringKey
{
    [Alias("Get")] Task<CachedMovie?> GetAsync();
    [Alias("Set")] Task SetAsync(MovieInfo movie);
    [Alias("Forget")] Task ForgetAsync();
}

/// <summary>Service-account Drive files recently set as room videos, newest first (one grain, key <see cref="DefaultKey"/>).</summary>
[Alias("CinemaSync.IRecentMoviesGrain")]
public interface IRecentMoviesGrain : IGrainWithStringKey
{
    const string DefaultKey = "service";
    const int Capacity = 50;

    [Alias("Add")] Task AddAsync(MovieInfo movie);
    [Alias("Get")] Task<IReadOnlyList<MovieInfo>> GetAsync(int limit);
}

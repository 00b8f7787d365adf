using CinemaSync.Contracts;

namespace CinemaSync.Grains.Movies;

/// <summary>Drive files recently set as room videos: newest first, one entry per file, at most <see cref="IRecentMoviesGrain.Capacity"/>.</summary>
[GrainType("recent-movies")]
internal sealed class RecentMoviesGrain(
    [PersistentState(StateNames.RecentMovies, StorageNames.Default)] IPersistentState<RecentMoviesState> state,
    TimeProvider clock) : Grain, IRecentMoviesGrain
{
    public async Task AddAsync(MovieInfo movie)
    {
        var list = state.State.Movies;
        list.RemoveAll(m => m.Movie.FileId == movie.FileId);
        list.Insert(0, new RecentMovie { Movie = movie, UsedAt = clock.GetUtcNow().ToUnixTimeMilliseconds() });
        if (list.Count > IRecentMoviesGrain.Capacity) list.RemoveRange(IRecentMoviesGrain.Capacity, list.Count - IRecentMoviesGrain.Capacity);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<MovieInfo>> GetAsync(int limit) =>
        Task.FromResult<IReadOnlyList<MovieInfo>>(state.State.Movies.Take(Math.Max(0, limit)).Select(m => m.Movie).ToList());
}

[GenerateSerializer]
internal sealed class RecentMoviesState
{
    [Id(0)] public List<RecentMovie> Movies { get; set; } = [];
}

[GenerateSerializer]
internal sealed class RecentMovie
{
    [Id(0)] public MovieInfo Movie { get; set; } = null!;
    [Id(1)] public long UsedAt { get; set; }
}

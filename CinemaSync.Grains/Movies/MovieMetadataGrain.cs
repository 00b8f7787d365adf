using CinemaSync.Contracts;

namespace CinemaSync.Grains.Movies;

/// <summary>One Drive file's cached metadata, persisted (a restart keeps the cache warm).</summary>
[GrainType("movie-metadata")]
internal sealed class MovieMetadataGrain(
    [PersistentState(StateNames.MovieMetadata, StorageNames.Default)] IPersistentState<MovieMetadataState> state,
    TimeProvider clock) : Grain, IMovieMetadataGrain
{
    public Task<CachedMovie?> GetAsync() =>
        Task.FromResult(state.State.Movie is { } movie ? new CachedMovie { Movie = movie, FetchedAt = state.State.FetchedAt } : null);

    public async Task SetAsync(MovieInfo movie)
    {
        state.State.Movie = movie;
        state.State.FetchedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
    }

    public async Task ForgetAsync()
    {
        if (!state.RecordExists) return;
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }
}

[GenerateSerializer]
internal sealed class MovieMetadataState
{
    [Id(0)] public MovieInfo? Movie { get; set; }
    [Id(1)] public long FetchedAt { get; set; }
}

using Orleans;
using Orleans.Runtime;

namespace CinemaSync.Tests.Storage;

/// <summary>A tiny grain that persists through the storage named <see cref="StorageName"/>.</summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task SetAsync(string value);

    Task<StorageProbeSnapshot> GetAsync();

    Task DeactivateAsync();
}

[GenerateSerializer]
public sealed record StorageProbeSnapshot([property: Id(0)] string Value, [property: Id(1)] int Writes, [property: Id(2)] Guid ActivationInstance, [property: Id(3)] bool RecordExists);

[GenerateSerializer]
public sealed class StorageProbeState
{
    [Id(0)]
    public string Value { get; set; } = string.Empty;

    [Id(1)]
    public int Writes { get; set; }
}

public sealed class StorageProbeGrain(
    [PersistentState(StorageProbeGrain.StateName, StorageProbeGrain.StorageName)] IPersistentState<StorageProbeState> state)
    : Grain, IStorageProbeGrain
{
    public const string StateName = "tests";
    public const string StorageName = "sqlite-test";

    private readonly Guid _instance = Guid.NewGuid();

    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task<StorageProbeSnapshot> GetAsync()
        => Task.FromResult(new StorageProbeSnapshot(state.State.Value, state.State.Writes, _instance, state.RecordExists));

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

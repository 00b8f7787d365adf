using CinemaSync.Contracts;

namespace CinemaSync.Grains.Identity;

/// <summary>The shared Data Protection key ring (see <see cref="IDataProtectionKeysGrain"/>).</summary>
[GrainType("dataprotection-keys")]
internal sealed class DataProtectionKeysGrain(
    [PersistentState(StateNames.DataProtectionKeys, StorageNames.Default)] IPersistentState<DataProtectionKeysState> state)
    : Grain, IDataProtectionKeysGrain
{
    public Task<IReadOnlyList<string>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Keys.Select(k => k.Xml).ToList());

    public async Task StoreAsync(string friendlyName, string xml)
    {
        state.State.Keys.RemoveAll(k => k.Name == friendlyName);
        state.State.Keys.Add(new StoredXmlElement { Name = friendlyName, Xml = xml });
        await state.WriteStateAsync();
    }
}

[GenerateSerializer]
internal sealed class DataProtectionKeysState
{
    [Id(0)] public List<StoredXmlElement> Keys { get; set; } = [];
}

[GenerateSerializer]
internal sealed class StoredXmlElement
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string Xml { get; set; } = "";
}

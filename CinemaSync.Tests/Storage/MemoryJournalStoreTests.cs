using System.Text.Json.Nodes;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Storage;

/// <summary>The journal contract on the in-memory engine (one instance stands for the process).</summary>
public sealed class MemoryJournalStoreTests : JournalStoreContractTests
{
    private readonly MemoryJournalStore _store = new();

    private protected override IJournalStore CreateStore() => _store;

    private protected override Task WriteLegacyRoomAsync(string roomId, JsonObject document) => throw new NotSupportedException();

    private protected override Task<bool> IsLegacyDocumentAsync(string roomId) => throw new NotSupportedException();

    [Fact(Skip = "The memory journal has no rooms from before the journal: memory storage keeps nothing across a restart.")]
    public override Task LoadAsync_ReadsTheWholeStateDocument_WhenTheRoomPredatesTheJournal_AndTheFirstWriteConvertsIt() => Task.CompletedTask;

    [Fact(Skip = "The memory journal has no rooms from before the journal: memory storage keeps nothing across a restart.")]
    public override Task LoadCoreAsync_KeepsTheLegacyChatInTheJournal_WhenALegacyRoomIsConverted() => Task.CompletedTask;

    [Fact(Skip = "The memory journal has no rooms from before the journal: memory storage keeps nothing across a restart.")]
    public override Task LoadCoreAsync_CopiesTheLegacyChatOnce_WhenAConversionStoppedAfterItsEvents() => Task.CompletedTask;
}

using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CinemaSync.Tests.Storage;

/// <summary>Journal engine checks that need no MongoDB server.</summary>
public sealed class JournalStoreOfflineTests
{
    [Fact]
    public void MongoJournalStoreTests_OverridesEveryContractCase_WhenContractGrows()
        => MongoFactAttribute.AssertGuardsEveryCase(typeof(JournalStoreContractTests), typeof(MongoJournalStoreTests));

    [Fact]
    public async Task AppendAsync_Throws_WhenTheServerIsUnreachable()
    {
        var store = new MongoJournalStore(new MongoStorageOptions
        {
            ConnectionString = "mongodb://127.0.0.1:1/?connectTimeoutMS=300",
            DatabaseName = "cinemasync_offline",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(500),
        }, NullLogger<MongoJournalStore>.Instance);

        await Assert.ThrowsAsync<TimeoutException>(() => store.AppendAsync("r", new JournalAppend([new JournalEvent(1, "x", "{}"u8.ToArray())])));
    }
}

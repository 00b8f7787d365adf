using System.Reflection;
using CinemaSync.Grains.Journal;
using CinemaSync.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CinemaSync.Tests.Storage;

/// <summary>Journal engine checks that need no MongoDB server.</summary>
public sealed class JournalStoreOfflineTests
{
    [Fact]
    public void MongoJournalStoreTests_OverridesEveryContractCase_WhenContractGrows()
    {
        var cases = typeof(JournalStoreContractTests)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .Select(m => m.Name)
            .ToList();
        var guarded = typeof(MongoJournalStoreTests)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<MongoFactAttribute>(inherit: false) is not null)
            .Select(m => m.Name)
            .ToHashSet();

        Assert.NotEmpty(cases);
        Assert.All(cases, name => Assert.Contains(name, guarded));
    }

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

using System.Net;
using CinemaSync.Grains.Clustering;
using CinemaSync.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CinemaSync.Tests.Clustering;

/// <summary>
/// <see cref="MongoMembershipTable"/> against Orleans' <see cref="IMembershipTable"/> contract: etag and
/// table-version optimistic concurrency, heartbeats that change no etag, defunct-row cleanup, and the
/// gateway list. Needs <c>CINEMASYNC_TEST_MONGODB_URI</c> (skipped otherwise); the row mapping runs always.
/// </summary>
public sealed class MongoMembershipTableTests : IAsyncLifetime
{
    private readonly ClusterOptions _cluster = new() { ServiceId = "cinemasync-test", ClusterId = "mt-" + Guid.NewGuid().ToString("N")[..10] };
    private MongoMembershipTable? _table;

    private static readonly DateTime T0 = new(2026, 11, 24, 7, 0, 0, DateTimeKind.Utc);

    private MongoMembershipOptions Options => new()
    {
        ConnectionString = Environment.GetEnvironmentVariable(MongoFactAttribute.EnvironmentVariable)!,
        DatabaseName = "cinemasync_test",
        CollectionName = "orleans_membership_test",
    };

    private MongoMembershipTable Table => _table ??= new MongoMembershipTable(
        Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(_cluster), NullLogger<MongoMembershipTable>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_table is not null) await _table.DeleteMembershipTableEntriesAsync(_cluster.ClusterId);
    }

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status = SiloStatus.Joining, int proxyPort = 0) => new()
    {
        SiloAddress = silo,
        Status = status,
        ProxyPort = proxyPort,
        HostName = "host-" + silo.Endpoint.Port,
        SiloName = "silo-" + silo.Endpoint.Port,
        RoleName = "cinemasync",
        UpdateZone = 1,
        FaultZone = 2,
        StartTime = T0,
        IAmAliveTime = T0,
        SuspectTimes = [],
    };

    [Fact]
    public void Row_RoundTripsEveryFieldOfAnEntry()
    {
        var entry = Entry(Silo(11111, 42), SiloStatus.Active, 30000);
        entry.SuspectTimes = [Tuple.Create(Silo(11112, 7), T0.AddSeconds(3))];
        entry.IAmAliveTime = T0.AddSeconds(9);

        var back = MongoMembershipTable.ToEntry(MongoMembershipTable.ToRow(entry, "etag-1"));

        Assert.Equal(entry.SiloAddress, back.SiloAddress);
        Assert.Equal(SiloStatus.Active, back.Status);
        Assert.Equal(30000, back.ProxyPort);
        Assert.Equal((entry.HostName, entry.SiloName, entry.RoleName), (back.HostName, back.SiloName, back.RoleName));
        Assert.Equal((1, 2), (back.UpdateZone, back.FaultZone));
        Assert.Equal(T0, back.StartTime);
        Assert.Equal(T0.AddSeconds(9), back.IAmAliveTime);
        Assert.Equal(entry.SuspectTimes, back.SuspectTimes);
        Assert.Equal("Active", MongoMembershipTable.ToRow(entry, "e")["status"].AsString);
    }

    [MongoFact]
    public async Task InitializedTable_IsVersionZeroAndEmpty_AndInitializingAgainChangesNothing()
    {
        await Table.InitializeMembershipTableAsync(true);
        await Table.InitializeMembershipTableAsync(true);

        var all = await Table.ReadAllAsync();

        Assert.Empty(all.Members);
        Assert.Equal(0, all.Version.Version);
    }

    [MongoFact]
    public async Task InsertRow_Succeeds_OnlyWithTheCurrentTableEtag_AndOnlyOncePerSilo()
    {
        await Table.InitializeMembershipTableAsync(true);
        var v0 = (await Table.ReadAllAsync()).Version;

        Assert.True(await Table.InsertRowAsync(Entry(Silo(1)), v0.Next()));
        Assert.False(await Table.InsertRowAsync(Entry(Silo(2)), v0.Next()));           // stale table etag
        var v1 = (await Table.ReadAllAsync()).Version;
        Assert.Equal(1, v1.Version);
        Assert.NotEqual(v0.VersionEtag, v1.VersionEtag);
        Assert.False(await Table.InsertRowAsync(Entry(Silo(1)), v1.Next()));           // row exists
        Assert.True(await Table.InsertRowAsync(Entry(Silo(2)), v1.Next()));

        var all = await Table.ReadAllAsync();
        Assert.Equal(2, all.Version.Version);
        Assert.Equal([Silo(1), Silo(2)], all.Members.Select(m => m.Item1.SiloAddress));
    }

    [MongoFact]
    public async Task UpdateRow_NeedsBothTheRowEtagAndTheTableEtag()
    {
        await Table.InitializeMembershipTableAsync(true);
        Assert.True(await Table.InsertRowAsync(Entry(Silo(1)), (await Table.ReadAllAsync()).Version.Next()));
        var read = await Table.ReadRowAsync(Silo(1));
        var (entry, etag) = read.Members.Single();

        entry.Status = SiloStatus.Active;
        Assert.False(await Table.UpdateRowAsync(entry, "not-the-etag", read.Version.Next()));
        Assert.False(await Table.UpdateRowAsync(entry, etag, new TableVersion(read.Version.Version + 1, "stale")));
        Assert.True(await Table.UpdateRowAsync(entry, etag, read.Version.Next()));
        Assert.False(await Table.UpdateRowAsync(entry, etag, read.Version.Next()));    // both etags moved on

        var after = await Table.ReadRowAsync(Silo(1));
        Assert.Equal(SiloStatus.Active, after.Members.Single().Item1.Status);
        Assert.NotEqual(etag, after.Members.Single().Item2);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
    }

    [MongoFact]
    public async Task UpdateIAmAlive_MovesOnlyTheHeartbeat_NeverBackwards()
    {
        await Table.InitializeMembershipTableAsync(true);
        Assert.True(await Table.InsertRowAsync(Entry(Silo(1)), (await Table.ReadAllAsync()).Version.Next()));
        var before = await Table.ReadRowAsync(Silo(1));

        var beat = Entry(Silo(1));
        beat.IAmAliveTime = T0.AddMinutes(1);
        await Table.UpdateIAmAliveAsync(beat);
        beat.IAmAliveTime = T0.AddSeconds(30);
        await Table.UpdateIAmAliveAsync(beat);

        var after = await Table.ReadRowAsync(Silo(1));
        Assert.Equal(T0.AddMinutes(1), after.Members.Single().Item1.IAmAliveTime);
        Assert.Equal(before.Members.Single().Item2, after.Members.Single().Item2);
        Assert.Equal(before.Version, after.Version);

        // A row update carrying an older heartbeat keeps the newer one.
        var (entry, etag) = after.Members.Single();
        entry.IAmAliveTime = T0;
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, etag, after.Version.Next()));
        Assert.Equal(T0.AddMinutes(1), (await Table.ReadRowAsync(Silo(1))).Members.Single().Item1.IAmAliveTime);
    }

    [MongoFact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyDeadSilosLastAliveBeforeTheDate()
    {
        await Table.InitializeMembershipTableAsync(true);
        foreach (var (port, status) in new[] { (1, SiloStatus.Dead), (2, SiloStatus.Active), (3, SiloStatus.Dead) })
        {
            var entry = Entry(Silo(port), status);
            if (port == 3) entry.IAmAliveTime = T0.AddHours(2);
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync()).Version.Next()));
        }

        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(T0.AddHours(1)));

        Assert.Equal([Silo(2), Silo(3)], (await Table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress));
    }

    [MongoFact]
    public async Task GatewayList_HasActiveSilosWithAGatewayPort()
    {
        await Table.InitializeMembershipTableAsync(true);
        Assert.True(await Table.InsertRowAsync(Entry(Silo(1), SiloStatus.Active, 30001), (await Table.ReadAllAsync()).Version.Next()));
        Assert.True(await Table.InsertRowAsync(Entry(Silo(2), SiloStatus.Dead, 30002), (await Table.ReadAllAsync()).Version.Next()));
        Assert.True(await Table.InsertRowAsync(Entry(Silo(3), SiloStatus.Active), (await Table.ReadAllAsync()).Version.Next()));
        var gateways = new MongoGatewayListProvider(Microsoft.Extensions.Options.Options.Create(Options),
            Microsoft.Extensions.Options.Options.Create(_cluster), Microsoft.Extensions.Options.Options.Create(new GatewayOptions()));

        var uris = await gateways.GetGateways();

        Assert.Equal([SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 30001), 1).ToGatewayUri()], uris);
    }
}

using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace CinemaSync.Grains.Clustering;

/// <summary>Where the MongoDB membership table lives: the grain store's database (<c>MONGODB_URI</c>, <c>MONGODB_DB_NAME</c>).</summary>
internal sealed class MongoMembershipOptions
{
    public string ConnectionString { get; set; } = string.Empty;
    public string DatabaseName { get; set; } = "cinemasync";
    public string CollectionName { get; set; } = "orleans_membership";
}

/// <summary>
/// Orleans cluster membership on MongoDB. The whole table of one cluster is <b>one document</b>
/// (<c>_id</c> = "service/cluster"), so every change Orleans needs to be atomic — a row and the
/// table version together — is a single-document update guarded by filters:
/// <list type="bullet">
/// <item>the table's <c>etag</c> must still be the one the caller read (<see cref="TableVersion.VersionEtag"/>),
/// and a successful write sets the caller's new version number and a fresh etag;</item>
/// <item>an update also needs the row's own <c>etag</c> to match (<c>$elemMatch</c>), an insert needs the
/// silo to be absent;</item>
/// <item>I-am-alive heartbeats touch only <c>members.$.i_am_alive</c> (with <c>$max</c>, so time never
/// goes back) and change no etag, as Orleans' contract asks; a row update likewise never moves
/// <c>i_am_alive</c> backwards.</item>
/// </list>
/// A freshly initialized table is version 0 with etag "0". Rows look like
/// <c>{ silo: "S127.0.0.1:11111:123", etag, status: "Active", status_code, proxy_port, host_name, silo_name,
/// role_name, update_zone, fault_zone, start_time, i_am_alive, suspect_times: [ { silo, at } ] }</c>.
/// </summary>
internal sealed class MongoMembershipTable : IMembershipTable
{
    private const string InitialEtag = "0";
    private readonly MongoMembershipOptions _options;
    private readonly ClusterOptions _cluster;
    private readonly ILogger<MongoMembershipTable> _logger;
    private readonly Lazy<IMongoCollection<BsonDocument>> _collection;

    public MongoMembershipTable(IOptions<MongoMembershipOptions> options, IOptions<ClusterOptions> cluster, ILogger<MongoMembershipTable> logger)
    {
        _options = options.Value;
        _cluster = cluster.Value;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(_options.ConnectionString))
            throw new ArgumentException("MongoMembershipOptions.ConnectionString (MONGODB_URI) must be set.");
        _collection = new Lazy<IMongoCollection<BsonDocument>>(() => OpenCollection(_options));
    }

    internal static IMongoCollection<BsonDocument> OpenCollection(MongoMembershipOptions options) =>
        new MongoClient(options.ConnectionString).GetDatabase(options.DatabaseName).GetCollection<BsonDocument>(options.CollectionName);

    private IMongoCollection<BsonDocument> Collection => _collection.Value;

    /// <summary>The document id of a cluster's table.</summary>
    public static string TableId(string serviceId, string clusterId) => $"{serviceId}/{clusterId}";

    private string Id => TableId(_cluster.ServiceId, _cluster.ClusterId);

    private FilterDefinition<BsonDocument> ById => Builders<BsonDocument>.Filter.Eq("_id", Id);

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        if (tryInitTableVersion) await EnsureTableAsync(cancellationToken);
        _logger.LogInformation("MongoDB membership table {Collection}/{Id} ready", _options.CollectionName, Id);
    }

    /// <summary>Creates the cluster's document (version 0, no members) unless it exists.</summary>
    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var update = Builders<BsonDocument>.Update
            .SetOnInsert("service_id", _cluster.ServiceId)
            .SetOnInsert("cluster_id", _cluster.ClusterId)
            .SetOnInsert("version", 0)
            .SetOnInsert("etag", InitialEtag)
            .SetOnInsert("members", new BsonArray());
        try
        {
            await Collection.UpdateOneAsync(ById, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Another silo created it at the same moment.
        }
    }

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default) =>
        await Collection.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", TableId(_cluster.ServiceId, clusterId)), cancellationToken);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>Removes dead silos last alive before <paramref name="beforeDate"/>; the table version moves on.</summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var before = beforeDate.UtcDateTime;
        while (true)
        {
            var document = await ReadDocumentAsync(cancellationToken);
            if (document is null) return;
            var defunct = Members(document).Where(m =>
                    m["status_code"].AsInt32 == (int)SiloStatus.Dead
                    && Max(m["i_am_alive"].ToUniversalTime(), m["start_time"].ToUniversalTime()) < before)
                .Select(m => m["silo"].AsString)
                .ToList();
            if (defunct.Count == 0) return;
            var filter = ById & Builders<BsonDocument>.Filter.Eq("etag", document["etag"].AsString);
            var update = Builders<BsonDocument>.Update
                .PullFilter("members", Builders<BsonDocument>.Filter.In("silo", defunct))
                .Set("version", document["version"].ToInt64() + 1)
                .Set("etag", NewEtag());
            var result = await Collection.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
            {
                _logger.LogInformation("Removed {Count} defunct silos from the membership table", defunct.Count);
                return;
            }
            // The table changed meanwhile: read it again.
        }
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        var document = await ReadDocumentAsync(cancellationToken);
        var version = VersionOf(document);
        var silo = key.ToParsableString();
        var row = document is null ? null : Members(document).FirstOrDefault(m => m["silo"].AsString == silo);
        return row is null
            ? new MembershipTableData(version)
            : new MembershipTableData(Tuple.Create(ToEntry(row), row["etag"].AsString), version);
    }

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var document = await ReadDocumentAsync(cancellationToken);
        var rows = document is null
            ? []
            : Members(document).Select(m => Tuple.Create(ToEntry(m), m["etag"].AsString)).ToList();
        return new MembershipTableData(rows, VersionOf(document));
    }

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var silo = entry.SiloAddress.ToParsableString();
        var filter = ById
                     & Builders<BsonDocument>.Filter.Eq("etag", tableVersion.VersionEtag)
                     & Builders<BsonDocument>.Filter.Ne("members.silo", silo);   // no element has this silo
        var update = Builders<BsonDocument>.Update
            .Push("members", ToRow(entry, NewEtag()))
            .Set("version", (long)tableVersion.Version)
            .Set("etag", NewEtag());
        var result = await Collection.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
        if (result.ModifiedCount == 0)
            _logger.LogDebug("Membership insert of {Silo} lost: table etag {Etag} is stale or the row exists", silo, tableVersion.VersionEtag);
        return result.ModifiedCount == 1;
    }

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        var silo = entry.SiloAddress.ToParsableString();
        var filter = ById
                     & Builders<BsonDocument>.Filter.Eq("etag", tableVersion.VersionEtag)
                     & Builders<BsonDocument>.Filter.ElemMatch<BsonDocument>("members",
                         Builders<BsonDocument>.Filter.Eq("silo", silo) & Builders<BsonDocument>.Filter.Eq("etag", etag));
        var updates = new List<UpdateDefinition<BsonDocument>>();
        foreach (var field in ToRow(entry, NewEtag()))
        {
            if (field.Name == "i_am_alive") updates.Add(Builders<BsonDocument>.Update.Max("members.$.i_am_alive", field.Value));
            else updates.Add(Builders<BsonDocument>.Update.Set("members.$." + field.Name, field.Value));
        }
        updates.Add(Builders<BsonDocument>.Update.Set("version", (long)tableVersion.Version));
        updates.Add(Builders<BsonDocument>.Update.Set("etag", NewEtag()));
        var result = await Collection.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Combine(updates), cancellationToken: cancellationToken);
        if (result.ModifiedCount == 0)
            _logger.LogDebug("Membership update of {Silo} lost: table etag {TableEtag} or row etag {Etag} is stale", silo, tableVersion.VersionEtag, etag);
        return result.ModifiedCount == 1;
    }

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        var filter = ById & Builders<BsonDocument>.Filter.ElemMatch<BsonDocument>("members",
            Builders<BsonDocument>.Filter.Eq("silo", entry.SiloAddress.ToParsableString()));
        var update = Builders<BsonDocument>.Update.Max("members.$.i_am_alive", new BsonDateTime(entry.IAmAliveTime.ToUniversalTime()));
        await Collection.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
    }

    private Task<BsonDocument?> ReadDocumentAsync(CancellationToken cancellationToken) =>
        Collection.Find(ById).FirstOrDefaultAsync(cancellationToken)!;

    internal static IEnumerable<BsonDocument> Members(BsonDocument document) =>
        document.GetValue("members", new BsonArray()).AsBsonArray.Select(m => m.AsBsonDocument);

    private static TableVersion VersionOf(BsonDocument? document) => document is null
        ? new TableVersion(0, InitialEtag)
        : new TableVersion((int)document["version"].ToInt64(), document["etag"].AsString);

    private static string NewEtag() => Guid.NewGuid().ToString("N");

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    internal static BsonDocument ToRow(MembershipEntry entry, string etag) => new()
    {
        ["silo"] = entry.SiloAddress.ToParsableString(),
        ["etag"] = etag,
        ["status"] = entry.Status.ToString(),
        ["status_code"] = (int)entry.Status,
        ["proxy_port"] = entry.ProxyPort,
        ["host_name"] = entry.HostName is null ? BsonNull.Value : new BsonString(entry.HostName),
        ["silo_name"] = entry.SiloName is null ? BsonNull.Value : new BsonString(entry.SiloName),
        ["role_name"] = entry.RoleName is null ? BsonNull.Value : new BsonString(entry.RoleName),
        ["update_zone"] = entry.UpdateZone,
        ["fault_zone"] = entry.FaultZone,
        ["start_time"] = new BsonDateTime(entry.StartTime.ToUniversalTime()),
        ["i_am_alive"] = new BsonDateTime(entry.IAmAliveTime.ToUniversalTime()),
        ["suspect_times"] = new BsonArray((entry.SuspectTimes ?? []).Select(s => new BsonDocument
        {
            ["silo"] = s.Item1.ToParsableString(),
            ["at"] = new BsonDateTime(s.Item2.ToUniversalTime()),
        })),
    };

    internal static MembershipEntry ToEntry(BsonDocument row) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(row["silo"].AsString),
        Status = (SiloStatus)row["status_code"].AsInt32,
        ProxyPort = row["proxy_port"].AsInt32,
        HostName = row["host_name"].IsBsonNull ? null! : row["host_name"].AsString,
        SiloName = row["silo_name"].IsBsonNull ? null! : row["silo_name"].AsString,
        RoleName = row["role_name"].IsBsonNull ? null! : row["role_name"].AsString,
        UpdateZone = row["update_zone"].AsInt32,
        FaultZone = row["fault_zone"].AsInt32,
        StartTime = row["start_time"].ToUniversalTime(),
        IAmAliveTime = row["i_am_alive"].ToUniversalTime(),
        SuspectTimes = row["suspect_times"].AsBsonArray
            .Select(s => Tuple.Create(SiloAddress.FromParsableString(s["silo"].AsString), s["at"].ToUniversalTime()))
            .ToList(),
    };
}

/// <summary>The gateways of a cluster whose membership is on MongoDB: active silos with a gateway port.</summary>
internal sealed class MongoGatewayListProvider(
    IOptions<MongoMembershipOptions> options, IOptions<ClusterOptions> cluster, IOptions<GatewayOptions> gateway) : IGatewayListProvider
{
    private readonly Lazy<IMongoCollection<BsonDocument>> _collection = new(() => MongoMembershipTable.OpenCollection(options.Value));

    public TimeSpan MaxStaleness => gateway.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        var id = MongoMembershipTable.TableId(cluster.Value.ServiceId, cluster.Value.ClusterId);
        var document = await _collection.Value.Find(Builders<BsonDocument>.Filter.Eq("_id", id)).FirstOrDefaultAsync();
        if (document is null) return [];
        return MongoMembershipTable.Members(document)
            .Select(MongoMembershipTable.ToEntry)
            .Where(e => e.Status == SiloStatus.Active && e.ProxyPort != 0)
            .Select(e => SiloAddress.New(new IPEndPoint(e.SiloAddress.Endpoint.Address, e.ProxyPort), e.SiloAddress.Generation).ToGatewayUri())
            .ToList();
    }
}

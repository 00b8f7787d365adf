using System.Text;
using CinemaSync.Contracts;
using CinemaSync.Grains.Journal;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The room journal on MongoDB: events in <c>room_events</c> (a unique <c>{room_id, seq}</c> index,
/// which is what refuses a second writer), the snapshot in the room's document in <c>rooms</c>, in
/// the shape the grain storage writes (<c>state</c> as a sub-document) plus <c>snapshot_seq</c> and
/// <c>snapshot_type</c>. Every write waits for a majority and the on-disk journal
/// (<c>w: majority, j: true</c>).
/// </summary>
/// <remarks>
/// An append inserts its events first (the commit point), then replaces the snapshot, then trims:
/// a crash between them leaves the previous snapshot and every event after it, which is what
/// <see cref="LoadAsync"/> reads. Event payloads are stored as the JSON text, exactly; a snapshot's
/// payload must be a JSON object and is stored as a sub-document, so operators can query it.
/// </remarks>
internal sealed class MongoJournalStore : IJournalStore
{
    public const string EventsCollectionName = "room_events";
    public const string SnapshotsCollectionName = StateNames.Room;

    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson, Indent = false };
    private static readonly WriteConcern Durable = WriteConcern.WMajority.With(journal: true);

    private readonly MongoStorageOptions _options;
    private readonly ILogger<MongoJournalStore> _logger;
    private readonly Lazy<IMongoDatabase> _database;
    private readonly SemaphoreSlim _indexLock = new(1, 1);
    private volatile bool _indexed;

    public MongoJournalStore(MongoStorageOptions options, ILogger<MongoJournalStore> logger)
    {
        MongoDatabases.Require(options);
        _options = options;
        _logger = logger;
        _database = new Lazy<IMongoDatabase>(() => MongoDatabases.Open(options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name => "mongodb";

    public IMongoDatabase Database => _database.Value;

    private IMongoCollection<BsonDocument> Events => Database.GetCollection<BsonDocument>(EventsCollectionName).WithWriteConcern(Durable);

    private IMongoCollection<BsonDocument> Snapshots => Database.GetCollection<BsonDocument>(SnapshotsCollectionName).WithWriteConcern(Durable);

    public async Task<JournalLoad> LoadAsync(string roomId, CancellationToken cancellationToken = default)
    {
        await EnsureIndexesAsync(cancellationToken);
        var document = await Snapshots.Find(Builders<BsonDocument>.Filter.Eq("_id", roomId)).FirstOrDefaultAsync(cancellationToken);
        JournalSnapshot? snapshot = null;
        if (document is not null && document.TryGetValue(MongoStateDocument.StateField, out var state) && state is BsonDocument stateDocument)
        {
            var payload = Encoding.UTF8.GetBytes(stateDocument.ToJson(RelaxedJson));
            snapshot = document.TryGetValue("snapshot_seq", out var seq) && document.TryGetValue("snapshot_type", out var type)
                ? new JournalSnapshot(seq.ToInt64(), type.AsString, payload)
                : new JournalSnapshot(0, JournalSnapshot.LegacyType, payload);
        }

        var events = await ReadAsync(roomId, snapshot?.Seq ?? 0, int.MaxValue, cancellationToken);
        return new JournalLoad(snapshot, events);
    }

    public async Task AppendAsync(string roomId, JournalAppend append, CancellationToken cancellationToken = default)
    {
        append.Validate();
        await EnsureIndexesAsync(cancellationToken);
        var now = new BsonDateTime(DateTime.UtcNow);
        if (append.Events.Count == 0)
        {
            await WriteSnapshotAloneAsync(roomId, append, now, cancellationToken);
            return;
        }

        var documents = append.Events.Select(e => new BsonDocument
        {
            { "room_id", roomId },
            { "seq", e.Seq },
            { "type", e.Type },
            { "payload", Encoding.UTF8.GetString(e.Payload) },
            { "written_at", now },
        });
        try
        {
            await Events.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = true }, cancellationToken);
        }
        catch (MongoBulkWriteException ex) when (ex.WriteErrors.Any(w => w.Category == ServerErrorCategory.DuplicateKey))
        {
            // Ordered: nothing after the refused event is written; the events before it (none when the
            // first seq is taken, the usual case) are removed so the journal never holds half an append.
            var written = ex.WriteErrors.Min(w => w.Index);
            if (written > 0)
            {
                var mine = append.Events.Take(written).Select(e => e.Seq).ToArray();
                await Events.DeleteManyAsync(Builders<BsonDocument>.Filter.And(
                    Builders<BsonDocument>.Filter.Eq("room_id", roomId), Builders<BsonDocument>.Filter.In("seq", mine)), CancellationToken.None);
            }
            throw new JournalConflictException(roomId, append.Events[written].Seq, ex);
        }

        if (append.Snapshot is { } snapshot)
        {
            try
            {
                // Replacing a legacy document (no snapshot_seq) is its conversion.
                await Snapshots.ReplaceOneAsync(NotNewerThan(roomId, snapshot.Seq), SnapshotDocument(roomId, snapshot, now), new ReplaceOptions { IsUpsert = true }, cancellationToken);
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                _logger.LogDebug("Room {RoomId}: a newer snapshot than {Seq} is stored; kept it", roomId, snapshot.Seq);
            }
        }

        if (append.TrimThrough > 0)
        {
            await Events.DeleteManyAsync(Builders<BsonDocument>.Filter.And(
                Builders<BsonDocument>.Filter.Eq("room_id", roomId),
                Builders<BsonDocument>.Filter.Lte("seq", append.TrimThrough)), cancellationToken);
        }
    }

    /// <summary>
    /// A creation inserts the room's document (the unique <c>_id</c> refuses a second one); another
    /// lone snapshot replaces it unless a newer one is stored or events after it are.
    /// </summary>
    private async Task WriteSnapshotAloneAsync(string roomId, JournalAppend append, BsonDateTime now, CancellationToken cancellationToken)
    {
        var snapshot = append.Snapshot!;
        try
        {
            if (append.Create)
            {
                await Snapshots.InsertOneAsync(SnapshotDocument(roomId, snapshot, now), cancellationToken: cancellationToken);
                return;
            }
            var later = Builders<BsonDocument>.Filter.And(
                Builders<BsonDocument>.Filter.Eq("room_id", roomId), Builders<BsonDocument>.Filter.Gt("seq", snapshot.Seq));
            if (await Events.Find(later).Limit(1).AnyAsync(cancellationToken))
                throw new JournalConflictException(roomId, snapshot.Seq);
            await Snapshots.ReplaceOneAsync(NotNewerThan(roomId, snapshot.Seq), SnapshotDocument(roomId, snapshot, now), new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new JournalConflictException(roomId, snapshot.Seq, ex);
        }
    }

    /// <summary>The room's document unless it holds a newer snapshot (a legacy document holds none).</summary>
    private static FilterDefinition<BsonDocument> NotNewerThan(string roomId, long seq) => Builders<BsonDocument>.Filter.And(
        Builders<BsonDocument>.Filter.Eq("_id", roomId),
        Builders<BsonDocument>.Filter.Or(
            Builders<BsonDocument>.Filter.Lte("snapshot_seq", seq),
            Builders<BsonDocument>.Filter.Exists("snapshot_seq", false)));

    public async Task<IReadOnlyList<JournalEvent>> ReadAsync(string roomId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureIndexesAsync(cancellationToken);
        var filter = Builders<BsonDocument>.Filter.And(
            Builders<BsonDocument>.Filter.Eq("room_id", roomId),
            Builders<BsonDocument>.Filter.Gt("seq", afterSeq));
        var found = Events.Find(filter).Sort(Builders<BsonDocument>.Sort.Ascending("seq"));
        if (limit < int.MaxValue) found = found.Limit(limit);
        return (await found.ToListAsync(cancellationToken)).Select(ToEvent).ToList();
    }

    public async Task<IReadOnlyList<JournalEvent>> ReadLastAsync(string roomId, string type, int count, CancellationToken cancellationToken = default)
    {
        await EnsureIndexesAsync(cancellationToken);
        var filter = Builders<BsonDocument>.Filter.And(
            Builders<BsonDocument>.Filter.Eq("room_id", roomId),
            Builders<BsonDocument>.Filter.Eq("type", type));
        var found = await Events.Find(filter).Sort(Builders<BsonDocument>.Sort.Descending("seq")).Limit(count).ToListAsync(cancellationToken);
        return found.Select(ToEvent).Reverse().ToList();
    }

    private static JournalEvent ToEvent(BsonDocument d)
        => new(d["seq"].ToInt64(), d["type"].AsString, Encoding.UTF8.GetBytes(d["payload"].AsString));

    private static BsonDocument SnapshotDocument(string roomId, JournalSnapshot snapshot, BsonDateTime now)
    {
        BsonDocument state;
        try
        {
            state = BsonDocument.Parse(Encoding.UTF8.GetString(snapshot.Payload));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"Room {roomId}: a snapshot's payload must be a JSON object on MongoDB.", ex);
        }
        return new BsonDocument
        {
            { MongoStateDocument.IdField, roomId },
            { MongoStateDocument.GrainIdField, GrainId.Create("room", roomId).ToString() },
            { MongoStateDocument.EtagField, SqliteGrainStorage.NewEtag() },
            { MongoStateDocument.StateField, state },
            { "snapshot_seq", snapshot.Seq },
            { "snapshot_type", snapshot.Type },
            { MongoStateDocument.UpdatedAtField, now },
        };
    }

    private async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        if (_indexed) return;
        await _indexLock.WaitAsync(cancellationToken);
        try
        {
            if (_indexed) return;
            var keys = Builders<BsonDocument>.IndexKeys;
            await Events.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
                keys.Ascending("room_id").Ascending("seq"), new CreateIndexOptions { Unique = true, Name = "room_id_seq_unique" }), cancellationToken: cancellationToken);
            // The same query indexes the grain storage gives the rooms collection.
            var roomIndexes = new List<CreateIndexModel<BsonDocument>> { new(keys.Ascending(MongoStateDocument.UpdatedAtField)) };
            if (_options.Indexes.TryGetValue(SnapshotsCollectionName, out var fields))
                roomIndexes.AddRange(fields.Select(f => new CreateIndexModel<BsonDocument>(keys.Ascending(f))));
            await Snapshots.Indexes.CreateManyAsync(roomIndexes, cancellationToken);
            _indexed = true;
        }
        finally
        {
            _indexLock.Release();
        }
    }
}

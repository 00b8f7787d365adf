using CinemaSync.Contracts;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Orleans.Runtime;
using Orleans.Storage;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// Orleans grain storage on MongoDB: one collection per state name (<c>rooms</c>, <c>users</c>, …),
/// one document per grain (see <see cref="MongoStateDocument"/>), optimistic concurrency on the
/// <c>etag</c> field. Driver and connection errors propagate to the caller (Orleans reports a failed
/// write to the grain); nothing is swallowed except inside <see cref="IsHealthyAsync"/>.
/// </summary>
internal sealed class MongoGrainStorage : IGrainStorage, IStorageHealth
{
    /// <summary>The collection the health probe writes to.</summary>
    public const string HealthCollectionName = "_cinemasync_health";

    private readonly string _name;
    private readonly MongoStorageOptions _options;
    private readonly ILogger<MongoGrainStorage> _logger;
    private readonly Lazy<IMongoDatabase> _database;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _indexesCreated = new(StringComparer.Ordinal);

    public MongoGrainStorage(string name, MongoStorageOptions options, ILogger<MongoGrainStorage> logger)
    {
        MongoDatabases.Require(options);
        _name = name;
        _options = options;
        _logger = logger;
        _database = new Lazy<IMongoDatabase>(CreateDatabase, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public string Name => "mongodb";

    /// <summary>The database this provider writes to.</summary>
    public IMongoDatabase Database => _database.Value;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var collection = await GetCollectionAsync(stateName, cancellationToken);
        var document = await collection
            .Find(ById(MongoStateDocument.DocumentId(grainId)))
            .FirstOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            grainState.State = GrainStateJson.CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (document.TryGetValue(MongoStateDocument.GrainIdField, out var storedGrainId)
            && storedGrainId.IsString && storedGrainId.AsString != grainId.ToString())
        {
            throw new InvalidOperationException(
                $"MongoDB collection '{stateName}' holds document '{document[MongoStateDocument.IdField]}' for {storedGrainId.AsString}, not {grainId}: " +
                "two grain types share the state name; give them different state names.");
        }

        grainState.State = document.TryGetValue(MongoStateDocument.StateField, out var state) && state is BsonDocument stateDocument
            ? MongoStateDocument.FromBson<T>(stateDocument)
            : GrainStateJson.CreateDefault<T>();
        grainState.ETag = document.TryGetValue(MongoStateDocument.EtagField, out var etag) && etag.IsString ? etag.AsString : null;
        grainState.RecordExists = true;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var collection = await GetCollectionAsync(stateName, cancellationToken);
        var id = MongoStateDocument.DocumentId(grainId);
        var newEtag = SqliteGrainStorage.NewEtag();
        var document = MongoStateDocument.Create(id, grainId, newEtag, grainState.State, DateTime.UtcNow);

        if (grainState.ETag is null)
        {
            try
            {
                await collection.InsertOneAsync(document, new InsertOneOptions(), cancellationToken);
            }
            catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
            {
                // A driver retry after a lost reply can find our own insert; anything else is a conflict.
                var stored = await ReadEtagAsync(collection, id, cancellationToken);
                if (stored != newEtag)
                    throw Conflict("write", stateName, grainId, stored, null, ex);
            }
        }
        else
        {
            var filter = Builders<BsonDocument>.Filter.And(
                ById(id),
                Builders<BsonDocument>.Filter.Eq(MongoStateDocument.EtagField, grainState.ETag));
            var result = await collection.ReplaceOneAsync(filter, document, new ReplaceOptions { IsUpsert = false }, cancellationToken);
            if (result.MatchedCount != 1)
            {
                var stored = await ReadEtagAsync(collection, id, cancellationToken);
                if (stored != newEtag)
                    throw Conflict("write", stateName, grainId, stored, grainState.ETag, null);
            }
        }

        grainState.ETag = newEtag;
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var collection = await GetCollectionAsync(stateName, cancellationToken);
        var id = MongoStateDocument.DocumentId(grainId);
        if (grainState.ETag is null)
        {
            // Nothing was stored when this state was read; clearing succeeds unless someone wrote since.
            var stored = await ReadEtagAsync(collection, id, cancellationToken);
            if (stored is not null)
                throw Conflict("clear", stateName, grainId, stored, null, null);
        }
        else
        {
            var filter = Builders<BsonDocument>.Filter.And(
                ById(id),
                Builders<BsonDocument>.Filter.Eq(MongoStateDocument.EtagField, grainState.ETag));
            var result = await collection.DeleteOneAsync(filter, cancellationToken);
            if (result.DeletedCount != 1)
            {
                var stored = await ReadEtagAsync(collection, id, cancellationToken);
                throw Conflict("clear", stateName, grainId, stored, grainState.ETag, null);
            }
        }

        grainState.State = GrainStateJson.CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var collection = Database.GetCollection<BsonDocument>(HealthCollectionName);
            var update = Builders<BsonDocument>.Update.Set("checked_at", new BsonDateTime(DateTime.UtcNow));
            await collection.UpdateOneAsync(ById("health"), update, new UpdateOptions { IsUpsert = true }, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "MongoDB grain storage {Name} (database {Database}) is not writable", _name, _options.DatabaseName);
            return false;
        }
    }

    private IMongoDatabase CreateDatabase()
    {
        _logger.LogInformation("MongoDB grain storage {Name} uses database {Database}", _name, _options.DatabaseName);
        return MongoDatabases.Open(_options);
    }

    private async Task<IMongoCollection<BsonDocument>> GetCollectionAsync(string stateName, CancellationToken cancellationToken)
    {
        var collection = Database.GetCollection<BsonDocument>(stateName);
        var created = _indexesCreated.GetOrAdd(stateName, name => new Lazy<Task>(() => CreateIndexesAsync(collection, name)));
        try
        {
            await created.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (created.Value.IsFaulted || created.Value.IsCanceled)
        {
            // Let the next operation try again (e.g. the server was unreachable); the error still propagates.
            _indexesCreated.TryRemove(new KeyValuePair<string, Lazy<Task>>(stateName, created));
            throw;
        }

        return collection;
    }

    private async Task CreateIndexesAsync(IMongoCollection<BsonDocument> collection, string stateName)
    {
        var keys = Builders<BsonDocument>.IndexKeys;
        var models = new List<CreateIndexModel<BsonDocument>>
        {
            new(keys.Ascending(MongoStateDocument.UpdatedAtField)),
        };
        if (_options.Indexes.TryGetValue(stateName, out var fields))
            models.AddRange(fields.Select(field => new CreateIndexModel<BsonDocument>(keys.Ascending(field))));
        // createIndexes is idempotent for identical specifications.
        await collection.Indexes.CreateManyAsync(models, CancellationToken.None);
    }

    private static FilterDefinition<BsonDocument> ById(string id) => Builders<BsonDocument>.Filter.Eq(MongoStateDocument.IdField, id);

    private static async Task<string?> ReadEtagAsync(IMongoCollection<BsonDocument> collection, string id, CancellationToken cancellationToken)
    {
        var document = await collection
            .Find(ById(id))
            .Project(Builders<BsonDocument>.Projection.Include(MongoStateDocument.EtagField))
            .FirstOrDefaultAsync(cancellationToken);
        return document is not null && document.TryGetValue(MongoStateDocument.EtagField, out var etag) && etag.IsString ? etag.AsString : null;
    }

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? storedEtag, string? currentEtag, Exception? inner)
    {
        var message = $"MongoDB {operation} of state '{stateName}' for {grainId} rejected: stored etag '{storedEtag ?? "(none)"}', grain's etag '{currentEtag ?? "(none)"}'.";
        return inner is null
            ? new InconsistentStateException(message, storedEtag ?? string.Empty, currentEtag ?? string.Empty)
            : new InconsistentStateException(message, storedEtag ?? string.Empty, currentEtag ?? string.Empty, inner);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using Orleans.Runtime;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The shape of a grain's document in MongoDB:
/// <c>{ _id: "&lt;grain key&gt;", grain_id: "room/abc123", etag: "…", state: { …snake_case… }, updated_at: ISODate(…) }</c>.
/// The state is the same snake_case JSON the SQLite store keeps, stored as a BSON sub-document
/// (no CLR type names), so operators can query <c>state.host_id</c> etc.
/// </summary>
internal static class MongoStateDocument
{
    public const string IdField = "_id";
    public const string GrainIdField = "grain_id";
    public const string EtagField = "etag";
    public const string StateField = "state";
    public const string UpdatedAtField = "updated_at";

    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson, Indent = false };

    /// <summary>
    /// The document <c>_id</c>: the grain's key as Orleans holds it, e.g. the room id <c>abc123</c>
    /// for <c>room/abc123</c> (integer and Guid keys appear in Orleans' hex form). The key alone is
    /// unique because a collection holds one state name, which one grain type uses; the full id is
    /// kept in <c>grain_id</c> and checked on read.
    /// </summary>
    /// <remarks>
    /// Orleans does not record whether a key was a string, an integer or a Guid: <c>"abc123"</c>
    /// parses as an integer key, so the key kind cannot decide the id format.
    /// </remarks>
    public static string DocumentId(GrainId grainId) => grainId.Key.ToString()!;

    /// <summary>Converts a state object to its BSON sub-document (through the shared snake_case JSON).</summary>
    public static BsonDocument ToBson<T>(T state)
    {
        var json = GrainStateJson.Serialize(state);
        // Grain states are objects; a scalar or list state (unusual) is wrapped as { value: … }.
        if (json == "null")
            return new BsonDocument();
        return BsonDocument.Parse(IsJsonObject<T>() ? json : "{\"value\":" + json + "}");
    }

    /// <summary>Converts a stored BSON sub-document back to the state object.</summary>
    public static T FromBson<T>(BsonDocument state)
    {
        var json = state.ToJson(RelaxedJson);
        if (IsJsonObject<T>())
            return GrainStateJson.Deserialize<T>(json);
        var wrapper = JsonSerializer.Deserialize<ValueWrapper<T>>(json, GrainStateJson.Options);
        return wrapper is { Value: { } value } ? value : GrainStateJson.CreateDefault<T>();
    }

    public static BsonDocument Create<T>(string id, GrainId grainId, string etag, T state, DateTime updatedAtUtc) => new()
    {
        { IdField, id },
        { GrainIdField, grainId.ToString() },
        { EtagField, etag },
        { StateField, ToBson(state) },
        { UpdatedAtField, new BsonDateTime(updatedAtUtc) },
    };

    private static bool IsJsonObject<T>()
        => GrainStateJson.Options.GetTypeInfo(typeof(T)).Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary;

    private sealed class ValueWrapper<T>
    {
        public T? Value { get; set; }
    }
}

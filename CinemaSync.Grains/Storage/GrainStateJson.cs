using System.Text.Json;
using System.Text.Json.Serialization;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The JSON form of persisted grain state, shared by both providers: snake_case property
/// names, enums as snake_case strings, dictionary keys kept as they are, unknown
/// properties ignored and missing ones left at the state class's initializer defaults.
/// </summary>
public static class GrainStateJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            // Dictionary keys are data (user ids, etc.), never renamed.
            DictionaryKeyPolicy = null,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    /// <summary>Deserializes stored JSON; a JSON <c>null</c> yields a fresh default instance.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? CreateDefault<T>();

    /// <summary>A fresh state instance, as a grain sees when nothing is stored.</summary>
    public static T CreateDefault<T>() => typeof(T) == typeof(string) ? (T)(object)string.Empty : Activator.CreateInstance<T>();
}

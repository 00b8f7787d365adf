using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CinemaSync.Grains.Storage;

/// <summary>
/// The JSON form of persisted grain state, shared by both providers: snake_case property
/// names, enums as snake_case strings, dictionary keys kept as they are, unknown
/// properties ignored and missing ones left at the state class's initializer defaults.
/// </summary>
internal static class GrainStateJson
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
            IncludeFields = true,
            WriteIndented = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { KeepNonPublicSettersAndGetOnlyCollections } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// System.Text.Json writes a property with a public getter but reads it back only through a public
    /// setter. State classes are not always written that way (<c>{ get; private set; }</c>,
    /// <c>List&lt;T&gt; Items { get; } = new();</c>), and silently dropping such a property on read
    /// would lose data across a restart. So: use a non-public setter when there is one, and fill a
    /// get-only mutable collection or object in place.
    /// </summary>
    private static void KeepNonPublicSettersAndGetOnlyCollections(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
            return;
        foreach (var property in typeInfo.Properties)
        {
            if (property.Set is not null || property.AttributeProvider is not PropertyInfo info)
                continue;
            if (info.SetMethod is { } setter)
            {
                property.Set = (target, value) => setter.Invoke(target, [value]);
            }
            else if (IsPopulatable(info.PropertyType))
            {
                property.ObjectCreationHandling = JsonObjectCreationHandling.Populate;
            }
        }
    }

    private static bool IsPopulatable(Type type)
    {
        if (!type.IsClass || type == typeof(string) || type.IsAbstract || type.IsArray)
            return false;
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(Dictionary<,>) || definition == typeof(HashSet<>)
                || definition == typeof(SortedDictionary<,>) || definition == typeof(SortedSet<>))
                return true;
        }

        // Other collections may be read-only or immutable: leave them alone.
        if (typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return false;
        return type.GetConstructor(Type.EmptyTypes) is not null;
    }

    public static string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    /// <summary>Deserializes stored JSON; a JSON <c>null</c> yields a fresh default instance.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? CreateDefault<T>();

    /// <summary>A fresh state instance, as a grain sees when nothing is stored.</summary>
    public static T CreateDefault<T>() => typeof(T) == typeof(string) ? (T)(object)string.Empty : Activator.CreateInstance<T>();
}

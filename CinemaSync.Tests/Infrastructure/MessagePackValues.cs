using System.Text.Json;
using System.Text.Json.Nodes;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// What the SignalR MessagePack client's default resolver gives for an <c>object</c> (maps as
/// dictionaries, arrays, strings, integers of any width, floats, booleans, null) as a JSON tree,
/// so a MessagePack member's events compare with a JSON member's.
/// </summary>
public static class MessagePackValues
{
    public static JsonElement ToJson(object? value) => JsonSerializer.SerializeToElement(ToNode(value));

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        IDictionary<object, object?> map => new JsonObject(map.Select(e =>
            KeyValuePair.Create(e.Key as string ?? throw new InvalidDataException($"map key {e.Key} is not a string"), ToNode(e.Value)))),
        object?[] items => new JsonArray(items.Select(ToNode).ToArray()),
        _ => throw new InvalidDataException($"{value.GetType().Name} is not a MessagePack value of the default resolver"),
    };
}

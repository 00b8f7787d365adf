using System.Text.Json;
using MessagePack;

namespace CinemaSync.HubProtocol;

/// <summary>
/// Transcodes between MessagePack and JSON values: maps ↔ objects (string keys only), arrays,
/// strings, numbers (integers as MessagePack ints, other numbers as float64), booleans and nil ↔
/// null. MessagePack values JSON has no form for (binary, extensions, NaN and infinities, keys that
/// are not strings) are refused with <see cref="NoJsonFormException"/>.
/// </summary>
public static class MessagePackJson
{
    /// <summary>Reads one MessagePack value and writes it as JSON, at most <paramref name="maxDepth"/> containers deep.</summary>
    public static void ToJson(ref MessagePackReader reader, Utf8JsonWriter json, int maxDepth) => WriteValue(ref reader, json, maxDepth);

    private static void WriteValue(ref MessagePackReader reader, Utf8JsonWriter json, int depthLeft)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                json.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64) json.WriteNumberValue(reader.ReadUInt64());
                else json.WriteNumberValue(reader.ReadInt64());
                break;
            case MessagePackType.Float:
                if (reader.NextCode == MessagePackCode.Float32)
                {
                    var single = reader.ReadSingle();
                    if (!float.IsFinite(single)) throw new NoJsonFormException("a NaN or infinite number");
                    json.WriteNumberValue(single);
                }
                else
                {
                    var number = reader.ReadDouble();
                    if (!double.IsFinite(number)) throw new NoJsonFormException("a NaN or infinite number");
                    json.WriteNumberValue(number);
                }
                break;
            case MessagePackType.String:
                WriteString(ref reader, json, propertyName: false);
                break;
            case MessagePackType.Array:
                if (depthLeft == 0) throw new NoJsonFormException("values nested too deeply");
                var items = reader.ReadArrayHeader();
                json.WriteStartArray();
                for (var i = 0; i < items; i++) WriteValue(ref reader, json, depthLeft - 1);
                json.WriteEndArray();
                break;
            case MessagePackType.Map:
                if (depthLeft == 0) throw new NoJsonFormException("values nested too deeply");
                var entries = reader.ReadMapHeader();
                json.WriteStartObject();
                for (var i = 0; i < entries; i++)
                {
                    if (reader.NextMessagePackType != MessagePackType.String) throw new NoJsonFormException("a map key that is not a string");
                    WriteString(ref reader, json, propertyName: true);
                    WriteValue(ref reader, json, depthLeft - 1);
                }
                json.WriteEndObject();
                break;
            case MessagePackType.Binary:
                throw new NoJsonFormException("a binary value");
            case MessagePackType.Extension:
                throw new NoJsonFormException("an extension value");
            default:
                throw new MessagePackSerializationException($"Unknown MessagePack code 0x{reader.NextCode:x2}.");
        }
    }

    private static void WriteString(ref MessagePackReader reader, Utf8JsonWriter json, bool propertyName)
    {
        ReadOnlySpan<byte> utf8 = reader.TryReadStringSpan(out var span) ? span : System.Buffers.BuffersExtensions.ToArray(reader.ReadStringSequence()!.Value);
        try
        {
            if (propertyName) json.WritePropertyName(utf8);
            else json.WriteStringValue(utf8);
        }
        catch (ArgumentException)
        {
            throw new NoJsonFormException("a string that is not valid UTF-8");
        }
    }

    /// <summary>
    /// Writes the JSON value <paramref name="json"/> (one complete value, as System.Text.Json writes it)
    /// as MessagePack. MessagePack puts each map's and array's length first, so a first pass counts
    /// the members of every container, in the order they open, into <paramref name="counts"/>.
    /// </summary>
    public static void ToMessagePack(ReadOnlySpan<byte> json, ref MessagePackWriter writer, List<int> counts)
    {
        counts.Clear();
        CountMembers(json, counts);
        var reader = new Utf8JsonReader(json);
        var next = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteMapHeader(counts[next++]);
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteArrayHeader(counts[next++]);
                    break;
                case JsonTokenType.PropertyName or JsonTokenType.String:
                    WriteString(ref reader, ref writer);
                    break;
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var integer)) writer.Write(integer);
                    else if (reader.TryGetUInt64(out var unsigned)) writer.Write(unsigned);
                    else writer.Write(reader.GetDouble());
                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
            }
        }
    }

    private static void CountMembers(ReadOnlySpan<byte> json, List<int> counts)
    {
        // The open containers, innermost last: index into counts, times two, plus one for an array.
        Span<int> open = stackalloc int[128];
        var depth = 0;
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
                continue;
            }
            if (depth > 0 && (token == JsonTokenType.PropertyName || (open[depth - 1] & 1) == 1)) counts[open[depth - 1] >> 1]++;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (depth == open.Length) throw new JsonException("JSON nested too deeply for MessagePack transcoding.");
                open[depth++] = (counts.Count << 1) | (token == JsonTokenType.StartArray ? 1 : 0);
                counts.Add(0);
            }
        }
    }

    private static void WriteString(ref Utf8JsonReader reader, ref MessagePackWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteString(reader.ValueSpan);
            return;
        }
        // Escaped strings are rare: the bridge's JSON writer escapes only what JSON requires.
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        var written = reader.CopyString(rented);
        writer.WriteString(rented.AsSpan(0, written));
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }
}

/// <summary>A well-formed MessagePack value that JSON cannot represent.</summary>
public sealed class NoJsonFormException(string what) : MessagePackSerializationException($"The payload holds {what}, which has no JSON form.");

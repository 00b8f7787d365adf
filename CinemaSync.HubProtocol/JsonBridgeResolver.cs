using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace CinemaSync.HubProtocol;

/// <summary>
/// MessagePack formatters that go through System.Text.Json with the JSON hub protocol's options:
/// a value is written by serializing it to JSON and transcoding that to MessagePack, and read by
/// transcoding MessagePack to JSON and deserializing that. So both protocols carry the same field
/// names, nulls and omissions, and a <see cref="JsonElement"/> parameter takes any payload.
/// </summary>
public sealed class JsonBridgeResolver(JsonSerializerOptions json) : IFormatterResolver
{
    private readonly ConcurrentDictionary<Type, object> _formatters = new();

    public IMessagePackFormatter<T> GetFormatter<T>() =>
        (IMessagePackFormatter<T>)_formatters.GetOrAdd(typeof(T), static (_, options) => new Formatter<T>(options), json);

    /// <summary>The MessagePack options for the hub protocol: this resolver only, untrusted-data security.</summary>
    public static MessagePackSerializerOptions SerializerOptions(JsonSerializerOptions json) =>
        MessagePackSerializerOptions.Standard.WithResolver(new JsonBridgeResolver(json)).WithSecurity(MessagePackSecurity.UntrustedData);

    private sealed class Formatter<T>(JsonSerializerOptions json) : IMessagePackFormatter<T>
    {
        private int MaxDepth => json.MaxDepth == 0 ? 64 : json.MaxDepth;

        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            var scratch = Scratch.Take();
            JsonSerializer.Serialize(scratch.Writer, value, json);
            scratch.Writer.Flush();
            MessagePackJson.ToMessagePack(scratch.Buffer.WrittenSpan, ref writer, scratch.Counts);
            scratch.Release();
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var start = reader.CreatePeekReader();
            var scratch = Scratch.Take();
            try
            {
                MessagePackJson.ToJson(ref reader, scratch.Writer, MaxDepth);
                scratch.Writer.Flush();
                return JsonSerializer.Deserialize<T>(scratch.Buffer.WrittenSpan, json)!;
            }
            catch (Exception refused) when (typeof(T) == typeof(JsonElement) && refused is MessagePackSerializationException or EndOfStreamException)
            {
                // A JsonElement payload is checked by the hub, and a value that is not a JSON object
                // (this one names the problem) is refused there as invalid_payload. Past a value
                // that cannot be skipped (it is not MessagePack) nothing of the message can be read:
                // the reader is left at its end, so SignalR closes the connection if more was expected.
                reader = start;
                try
                {
                    reader.Skip();
                }
                catch (Exception unreadable) when (unreadable is MessagePackSerializationException or EndOfStreamException)
                {
                    reader = new MessagePackReader(reader.Sequence.Slice(reader.Sequence.End));
                }
                return (T)(object)JsonSerializer.SerializeToElement(refused is NoJsonFormException ? refused.Message : "The payload is not valid MessagePack.");
            }
            finally
            {
                scratch.Release();
            }
        }
    }

    /// <summary>One JSON buffer and writer per thread, reused: a formatter call never nests another.</summary>
    private sealed class Scratch
    {
        private const int KeepAtMost = 256 * 1024;

        [ThreadStatic] private static Scratch? t_current;

        public readonly ArrayBufferWriter<byte> Buffer = new(4096);
        public readonly Utf8JsonWriter Writer;
        public readonly List<int> Counts = [];

        private Scratch() =>
            Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public static Scratch Take()
        {
            var scratch = t_current ?? new Scratch();
            t_current = null;
            return scratch;
        }

        public void Release()
        {
            if (Buffer.Capacity > KeepAtMost) return;
            Buffer.ResetWrittenCount();
            Writer.Reset(Buffer);
            t_current = this;
        }
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CinemaSync.HubProtocol;
using MessagePack;

namespace CinemaSync.Tests.Realtime;

public sealed class MessagePackJsonTests
{
    private const string EveryKind = """
        {"s":"plain","e":"\"q\" \\ \n \u0001 <é> 🎬","i":7,"n":-129,"big":18446744073709551615,"min":-9223372036854775808,
         "d":12.5,"tiny":1E-300,"huge":1E+300,"t":true,"f":false,"z":null,"o":{},"a":[],"deep":{"x":[1,[2,{"y":[null,"w"]}],{}]},
         "items":[{"k":1},{"k":2.25}]}
        """;

    private static byte[] ToMessagePack(string json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        MessagePackJson.ToMessagePack(Encoding.UTF8.GetBytes(json), ref writer, []);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string ToJson(byte[] messagePack, int maxDepth = 64)
    {
        var reader = new MessagePackReader(messagePack);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) MessagePackJson.ToJson(ref reader, json, maxDepth);
        Assert.True(reader.End);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void ToMessagePack_ThenToJson_GivesTheSameTree_ForEveryJsonValueKind()
    {
        var roundTripped = ToJson(ToMessagePack(EveryKind));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(EveryKind), JsonNode.Parse(roundTripped)), roundTripped);
    }

    [Fact]
    public void ToMessagePack_WritesIntegersAsIntsAndOtherNumbersAsFloat64_WhenTranscodingNumbers()
    {
        var reader = new MessagePackReader(ToMessagePack("""[1, -1, 300, 12.5, 1E+300]"""));

        Assert.Equal(5, reader.ReadArrayHeader());
        Assert.Equal(MessagePackType.Integer, reader.NextMessagePackType);
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(-1, reader.ReadInt32());
        Assert.Equal(MessagePackCode.UInt16, reader.NextCode);
        Assert.Equal(300, reader.ReadInt32());
        Assert.Equal(MessagePackCode.Float64, reader.NextCode);
        Assert.Equal(12.5, reader.ReadDouble());
        Assert.Equal(MessagePackCode.Float64, reader.NextCode);
        Assert.Equal(1e300, reader.ReadDouble());
    }

    [Fact]
    public void ToJson_WritesAFloat32AsItsShortestForm_WhenAClientSendsSingles()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.Write(0.1f);
        writer.Flush();

        Assert.Equal("0.1", ToJson(buffer.WrittenSpan.ToArray()));
    }

    [Fact]
    public void ToJson_RefusesWithNoJsonForm_WhenNestedDeeperThanTheLimit()
    {
        var deep = ToMessagePack(string.Concat(Enumerable.Repeat("[", 5)) + string.Concat(Enumerable.Repeat("]", 5)));

        Assert.Equal("[[[[[]]]]]", ToJson(deep, maxDepth: 5));
        Assert.Throws<NoJsonFormException>(() => ToJson(deep, maxDepth: 4));
    }
}

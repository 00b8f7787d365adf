using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CinemaSync.Tests.Infrastructure;
using MessagePack;

namespace CinemaSync.Tests.Realtime;

/// <summary>
/// The hub's MessagePack protocol, spoken by the real SignalR client with its default resolver:
/// the same payloads in, the same field names, values, nulls and omissions out as JSON.
/// </summary>
public sealed class MessagePackProtocolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] BroadcastEvents = ["playback_updated", "new_chat_message", "new_reaction"];

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task JoinRoom_AcksWithTheJsonShape_WhenTheMemberSpeaksMessagePack()
    {
        var (roomId, _, host) = await Server.HostedRoomAsync();
        await using var _ = host;
        var (_, json) = await Server.JoinedUserAsync(roomId, "Json", messagePack: false);
        await using var __ = json;
        var packer = await Server.ConnectAsync(await Server.SignInAsync("Packer"), messagePack: true);
        await using var ___ = packer;

        var ack = await packer.JoinAsync(roomId);
        var jsonAck = await json.JoinAsync(roomId);

        ack.AssertOk();
        Assert.Equal(Shape(jsonAck), Shape(ack));
        Assert.Equal(roomId, ack.GetProperty("room").Str("room_id"));
        Assert.Equal(JsonValueKind.Array, ack.GetProperty("chat_history").ValueKind);
        // The room as both members see it now: the same tree (a rejoin is the same room).
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(jsonAck.GetProperty("room").GetRawText()), JsonNode.Parse(ack.GetProperty("room").GetRawText())),
            $"MessagePack room {ack.GetProperty("room")} differs from JSON room {jsonAck.GetProperty("room")}");
    }

    [Fact]
    public async Task UpdatePlayback_AcksAndBroadcastsTheSameTreesAsJson_WhenTheHostSpeaksMessagePack()
    {
        var host = await Server.SignInAsync("Packing host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var hostClient = await Server.ConnectAsync(host, messagePack: true);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var (_, json) = await Server.JoinedUserAsync(roomId, "Json", messagePack: false);
        await using var _ = json;
        var (_, packer) = await Server.JoinedUserAsync(roomId, "Packer", messagePack: true);
        await using var __ = packer;

        var ack = await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 12.5, rate = 1.5 });

        ack.AssertOk();
        var state = ack.GetProperty("playback_state");
        Assert.Equal("playing", state.Str("status"));
        Assert.Equal(12.5, state.GetProperty("position").GetDouble());
        Assert.Equal(1.5, state.GetProperty("rate").GetDouble());
        Assert.Equal(1, state.Long("version"));
        var viaJson = (await json.WaitForAsync("playback_updated")).Single();
        var viaPack = (await packer.WaitForAsync("playback_updated")).Single();
        AssertSameTree(viaJson, viaPack);
        AssertSameTree(viaJson.GetProperty("playback_state"), state);
    }

    [Fact]
    public async Task Events_ReachJsonAndMessagePackMembersAlike_WhenBothAreInOneRoom()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var _ = hostClient;
        var (_, json) = await Server.JoinedUserAsync(roomId, "Json", messagePack: false);
        await using var __ = json;
        var (packerUser, packer) = await Server.JoinedUserAsync(roomId, "Packer 🎬", messagePack: true);
        await using var ___ = packer;

        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 0.0 })).AssertOk();
        var chatAck = await packer.InvokeAsync("chat_message", new { room_id = roomId, text = "  \"quoted\" \\ <b>é</b> 🍿\n  " });
        (await json.InvokeAsync("reaction", new { room_id = roomId, emoji = "🎉" })).AssertOk();
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 42.0, base_version = 1 })).AssertOk();

        chatAck.AssertOk();
        Assert.Equal("\"quoted\" \\ <b>é</b> 🍿", chatAck.GetProperty("message").Str("text"));
        Assert.Equal(packerUser.DisplayName, chatAck.GetProperty("message").Str("display_name"));
        foreach (var client in new[] { json, packer })
        {
            await client.WaitForAsync("playback_updated", 2);
            await client.WaitForAsync("new_chat_message");
            await client.WaitForAsync("new_reaction");
        }
        var jsonEvents = Broadcasts(json);
        var packEvents = Broadcasts(packer);
        Assert.Equal(jsonEvents.Select(e => e.Name), packEvents.Select(e => e.Name));
        foreach (var (viaJson, viaPack) in jsonEvents.Zip(packEvents)) AssertSameTree(viaJson.Payload, viaPack.Payload);
        AssertSameTree(jsonEvents.Single(e => e.Name == "new_chat_message").Payload.GetProperty("message"), chatAck.GetProperty("message"));
        Assert.Equal(host.UserId, jsonEvents.First().Payload.Str("by"));
    }

    [Theory]
    [InlineData("""{"room_id": "{room}", "status": "playing"}""")]
    [InlineData("""{"room_id": "{room}", "status": 1, "position": 1}""")]
    [InlineData("""{"room_id": "{room}", "status": "playing", "position": "10"}""")]
    [InlineData("""{"room_id": "{room}", "status": "playing", "position": 1, "base_version": 1.5}""")]
    [InlineData("""{"room_id": 42}""")]
    [InlineData("""[1, 2]""")]
    public async Task UpdatePlayback_AcksInvalidPayloadLikeJson_WhenTheMessagePackPayloadIsWrong(string payloadJson)
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var _ = hostClient;
        await using var packer = await Server.ConnectAsync(host, messagePack: true);
        (await packer.JoinAsync(roomId)).AssertOk();
        var payload = JsonDocument.Parse(payloadJson.Replace("{room}", roomId)).RootElement;

        var ack = await packer.InvokeAsync("update_playback", ToPlainValue(payload)!);
        var jsonAck = await hostClient.InvokeAsync("update_playback", payload);

        ack.AssertError("invalid_payload");
        AssertSameTree(jsonAck, ack);
        Assert.Empty(hostClient.EventsNamed("playback_updated"));
    }

    public static TheoryData<string> ValuesWithoutJsonForm() => ["binary", "nan", "infinity", "integer key"];

    [Theory]
    [MemberData(nameof(ValuesWithoutJsonForm))]
    public async Task UpdatePlayback_AcksInvalidPayload_WhenAValueHasNoJsonForm(string kind)
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var _ = hostClient;
        await using var packer = await Server.ConnectAsync(host, messagePack: true);
        (await packer.JoinAsync(roomId)).AssertOk();
        var payload = new Dictionary<object, object?> { ["room_id"] = roomId, ["status"] = "playing", ["position"] = 1.0 };
        switch (kind)
        {
            case "binary": payload["position"] = new byte[] { 1, 2 }; break;
            case "nan": payload["position"] = double.NaN; break;
            case "infinity": payload["position"] = double.PositiveInfinity; break;
            case "integer key": payload[7] = "seven"; break;
        }

        var ack = await packer.InvokeAsync("update_playback", payload);

        ack.AssertError("invalid_payload");
        Assert.Empty(hostClient.EventsNamed("playback_updated"));
        // The connection is still in good order.
        (await packer.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertOk();
    }

    private static readonly byte[] UpdatePlaybackHead = [0x01, 0x80, 0xa1, (byte)'1', 0xaf, .. "update_playback"u8.ToArray(), 0x91];

    /// <summary>A binary hub frame: the length prefix (one byte here), then the message.</summary>
    private static byte[] Frame(params byte[] message) => [(byte)message.Length, .. message];

    public static TheoryData<string, byte[], string> MalformedFrames() => new()
    {
        // An array of one item whose code (0xc1) MessagePack never uses.
        { "unused code", Frame(0x91, 0xc1), "close" },
        // update_playback (six items: stream ids expected) whose payload map claims three entries and has none.
        { "truncated payload", Frame([0x96, .. UpdatePlaybackHead, 0x83]), "close" },
        // The same with five items (no stream ids, as older clients send): nothing more to read, so the payload is refused.
        { "truncated payload, five items", Frame([0x95, .. UpdatePlaybackHead, 0x83]), "invalid_payload" },
        // update_playback whose payload holds the unused code.
        { "unused code in the payload", Frame([0x96, .. UpdatePlaybackHead, 0x81, 0xa1, (byte)'x', 0xc1]), "close" },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task MalformedMessagePack_ClosesTheConnectionOrAcksInvalidPayload_AndTheHubKeepsServing(string kind, byte[] frame, string outcome)
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var _ = hostClient;
        using var cts = new CancellationTokenSource(RoomClient.Timeout);
        using var socket = new ClientWebSocket();
        var hub = new UriBuilder(Server.BaseAddress) { Scheme = "ws", Path = "/hubs/room", Query = "access_token=" + Uri.EscapeDataString(host.Token) };
        await socket.ConnectAsync(hub.Uri, cts.Token);
        await socket.SendAsync("{\"protocol\":\"messagepack\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, cts.Token);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString((await ReceiveAsync(socket, cts.Token)).Bytes));

        await socket.SendAsync(frame, WebSocketMessageType.Binary, true, cts.Token);

        if (outcome == "close")
        {
            // SignalR's answer to a message it cannot parse: a Close message (type 7) with an error, then the close.
            var messageTypes = new List<int>();
            while (true)
            {
                var (type, bytes) = await ReceiveAsync(socket, cts.Token);
                if (type == WebSocketMessageType.Close) break;
                messageTypes.Add(Message(bytes).ReadInt32());
            }
            Assert.True(messageTypes.SequenceEqual([7]), $"{kind}: expected only a close message, got types {string.Join(",", messageTypes)}");
        }
        else
        {
            // A completion (type 3) of invocation "1" with a result (3) that is the ack.
            var completion = Message((await ReceiveAsync(socket, cts.Token)).Bytes);
            Assert.Equal(3, completion.ReadInt32());
            completion.Skip();
            Assert.Equal("1", completion.ReadString());
            Assert.Equal(3, completion.ReadInt32());
            MessagePackValues.ToJson(MessagePackSerializer.Deserialize<object>(ref completion, MessagePackSerializerOptions.Standard)).AssertError(outcome);
        }
        (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertOk();
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            length += result.Count;
        } while (!result.EndOfMessage);
        return (result.MessageType, buffer[..length]);
    }

    /// <summary>A binary frame's message, read past its type's array header: the length prefix is a varint.</summary>
    private static MessagePackReader Message(byte[] frame)
    {
        var offset = 0;
        while ((frame[offset++] & 0x80) != 0) { }
        var reader = new MessagePackReader(frame.AsMemory(offset));
        reader.ReadArrayHeader();
        return reader;
    }

    private static List<(string Name, JsonElement Payload)> Broadcasts(RoomClient client) =>
        client.Events.Where(e => BroadcastEvents.Contains(e.Name)).ToList();

    private static void AssertSameTree(JsonElement expected, JsonElement actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.GetRawText()), JsonNode.Parse(actual.GetRawText())),
            $"MessagePack gave {actual}, JSON gave {expected}");

    /// <summary>Field names of every object in the tree (array items by their first item), as paths.</summary>
    private static List<string> Shape(JsonElement element, string path = "$")
    {
        var paths = new List<string> { $"{path}:{element.ValueKind}" };
        if (element.ValueKind == JsonValueKind.Object)
            foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                paths.AddRange(Shape(property.Value, $"{path}.{property.Name}"));
        else if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0)
            paths.AddRange(Shape(element[0], $"{path}[]"));
        return paths;
    }

    /// <summary>A JSON value as the plain objects (dictionaries, arrays, primitives) the MessagePack client sends.</summary>
    private static object? ToPlainValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => (object)p.Name, p => ToPlainValue(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlainValue).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Web.Api;

namespace CinemaSync.Tests.Domain;

/// <summary>The JSON every server → client room message is sent as (the hub's snake_case options).</summary>
public sealed class RoomMessageWireTests
{
    public static TheoryData<Type> MessageTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(RoomMessage).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RoomMessage)) && !t.IsAbstract))
            data.Add(type);
        return data;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Serialize_LeavesOutTheMethodNameAndPublishTime_ForEveryMessageType(Type type)
    {
        var message = RuntimeHelpers.GetUninitializedObject(type);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(message, type, CinemaSyncJson.Options));

        var fields = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("room_id", fields);
        Assert.DoesNotContain("name", fields); // the SignalR method the message is sent under, not a payload field
        Assert.DoesNotContain("published_at", fields);
    }
}

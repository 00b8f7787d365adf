using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Realtime;

/// <summary>Missing, oversized and wrongly typed fields: an invalid_payload answer, nothing changed, nothing thrown.</summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static readonly string Long1001 = new('x', 1001);
    private static readonly string LongEmoji = string.Concat(Enumerable.Repeat("🎉", 17));

    public static TheoryData<string, string> BadHubCalls()
    {
        // {room} is replaced with a real room id.
        var data = new TheoryData<string, string>
        {
            { "join_room", "{}" },
            { "join_room", """{"room_id": 42}""" },
            { "join_room", """{"room_id": "../etc"}""" },
            { "join_room", $$"""{"room_id": "{{new string('a', 65)}}"}""" },
            { "join_room", """{"room_id": "{room}", "password": 5}""" },
            { "join_room", """{"room_id": "{room}", "last_seq": "x"}""" },
            { "join_room", "\"a string\"" },
            { "join_room", "[1,2]" },
            { "leave_room", "{}" },
            { "leave_room", """{"room_id": true}""" },
            { "update_playback", """{"room_id": "{room}"}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing"}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": "10"}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": -1}""" },
            { "update_playback", """{"room_id": "{room}", "status": "rewinding", "position": 1}""" },
            { "update_playback", """{"room_id": "{room}", "status": 1, "position": 1}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": 1, "rate": 10}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": 1, "rate": "fast"}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": 1, "base_version": 1.5}""" },
            { "update_playback", """{"room_id": "{room}", "status": "playing", "position": 1e400}""" },
            { "chat_message", """{"room_id": "{room}"}""" },
            { "chat_message", """{"room_id": "{room}", "text": ""}""" },
            { "chat_message", """{"room_id": "{room}", "text": "    "}""" },
            { "chat_message", $$"""{"room_id": "{room}", "text": "{{Long1001}}"}""" },
            { "chat_message", """{"room_id": "{room}", "text": {"nested": 1}}""" },
            { "reaction", """{"room_id": "{room}"}""" },
            { "reaction", """{"room_id": "{room}", "emoji": ""}""" },
            { "reaction", $$"""{"room_id": "{room}", "emoji": "{{LongEmoji}}"}""" },
            { "reaction", """{"room_id": "{room}", "emoji": 7}""" },
            { "sync_time", "{}" },
            { "sync_time", """{"client_time": "now"}""" },
            { "sync_time", "null" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadHubCalls))]
    public async Task HubMethod_AcksInvalidPayload_AndChangesNothing(string method, string payloadJson)
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var client = await Server.ConnectAsync(host);
        (await client.JoinAsync(roomId)).AssertOk();
        var before = await Server.GetRoomAsync(host, roomId);
        var payload = JsonDocument.Parse(payloadJson.Replace("{room}", roomId)).RootElement;

        var ack = await client.InvokeAsync(method, payload);

        ack.AssertError("invalid_payload");
        var after = await Server.GetRoomAsync(host, roomId);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        (await client.InvokeAsync("sync_time", new { client_time = 1 })).AssertOk();
    }

    public static TheoryData<string, string, string> BadRestCalls() => new()
    {
        { "POST", "/api/rooms", "{}" },
        { "POST", "/api/rooms", "not json" },
        { "POST", "/api/rooms", "[]" },
        { "POST", "/api/rooms", """{"name": ""}""" },
        { "POST", "/api/rooms", $$"""{"name": "{{new string('n', 101)}}"}""" },
        { "POST", "/api/rooms", """{"name": "x", "is_private": "yes"}""" },
        { "POST", "/api/rooms", """{"name": "x", "is_private": true}""" },
        { "POST", "/api/rooms", """{"name": "x", "movie_source": {"type": "directLink"}}""" },
        { "POST", "/api/rooms", """{"name": "x", "movie_source": {"type": "directLink", "url": "ftp://a/b"}}""" },
        { "POST", "/api/rooms", """{"name": "x", "movie_source": {"type": "vhs"}}""" },
        { "POST", "/api/rooms", """{"name": "x", "movie_source": "directLink"}""" },
        { "POST", "/api/rooms", """{"name": "x", "settings": {"max_participants": 1}}""" },
        { "POST", "/api/rooms", """{"name": "x", "settings": {"max_participants": 5000}}""" },
        { "POST", "/api/rooms", """{"name": "x", "settings": {"chat_enabled": "no"}}""" },
        { "POST", "/api/rooms/{room}/join", """{"password": 12}""" },
        { "POST", "/api/rooms/{room}/join", "{{{" },
        { "POST", "/api/rooms/{room}/playback", "{}" },
        { "POST", "/api/rooms/{room}/playback", """{"status": "playing", "position": "1"}""" },
        { "POST", "/api/rooms/{room}/playback", """{"status": "playing", "position": 1, "rate": 0}""" },
        { "PUT", "/api/rooms/{room}/video", "{}" },
        { "PUT", "/api/rooms/{room}/video", """{"url": "javascript:alert(1)"}""" },
        { "PUT", "/api/rooms/{room}/video", """{"file_id": "a/b"}""" },
        { "PUT", "/api/rooms/{room}/video", """{"file_id": "abc", "owner": "someone"}""" },
        { "PUT", "/api/rooms/{room}/video", """{"file_id": "abc", "url": "https://a/b"}""" },
        { "POST", "/api/auth/dev", "{}" },
        { "POST", "/api/auth/dev", """{"display_name": 3}""" },
        { "POST", "/api/auth/dev", $$"""{"display_name": "{{new string('d', 65)}}"}""" },
    };

    [Theory]
    [MemberData(nameof(BadRestCalls))]
    public async Task RestBody_AnswersProblemWithInvalidPayload_AndChangesNothing(string method, string path, string body)
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        var before = await Server.GetRoomAsync(host, roomId);

        var response = await Server.SendAsync(new HttpMethod(method), path.Replace("{room}", roomId), host, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_payload", problem.Str("error"));
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(before.GetRawText(), (await Server.GetRoomAsync(host, roomId)).GetRawText());
    }

    [Fact]
    public async Task RestBody_ListsEveryOffendingField()
    {
        var host = await Server.SignInAsync("Host");

        var response = await Server.SendAsync(HttpMethod.Post, "/api/rooms", host,
            """{"name": 1, "is_private": "no", "settings": {"max_participants": "many"}}""");

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["is_private", "name", "settings.max_participants"], fields.Order());
    }

    [Fact]
    public async Task RestBody_IsRefused_WhenLargerThanTheLimit()
    {
        var host = await Server.SignInAsync("Host");
        var huge = $$"""{"name": "x", "pad": "{{new string('p', 100_000)}}"}""";

        var response = await Server.SendAsync(HttpMethod.Post, "/api/rooms", host, huge);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_payload", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }
}

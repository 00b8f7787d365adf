using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Subtitles;

/// <summary>Queue items that carry subtitle tracks (<c>movie_source.subtitles</c>), on the hub and REST, and the tracks they bring when they play.</summary>
public sealed class QueuedSubtitleTests(DriveServerFixture drive, SubtitleLinksFixture links) : IClassFixture<DriveServerFixture>, IClassFixture<SubtitleLinksFixture>
{
    private TestServer Server => drive.Server;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task QueueAdd_CarriesTracksWithServerIds_AndPlayNextBringsThem_ClearingTheOldDefault()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;
        var old = await hostClient.InvokeAsync("subtitle_add", new { room_id = roomId, label = "Old", language = "en", source = new { type = "directLink", url = links.Url("en.srt") } });
        (await hostClient.InvokeAsync("subtitle_default", new { room_id = roomId, track_id = old.GetProperty("track").Str("track_id") })).AssertOk();
        var file = drive.Drive.AddTextFile(drive.ServiceAccount, "Two.fr.srt", Encoding.UTF8.GetBytes("1\n00:00:02,000 --> 00:00:03,000\nDeux\n"));

        var queued = await hostClient.InvokeAsync("queue_add", new
        {
            room_id = roomId,
            title = "Two",
            movie_source = new
            {
                type = "directLink",
                url = "https://videos.test/two.mp4",
                subtitles = new object[]
                {
                    new { label = "English", language = "en", source = new { type = "directLink", url = links.Url("en.srt") } },
                    new { label = "Français", language = "fr", source = new { type = "googleDrive", file_id = file.Id, owner = "service" } },
                },
            },
        });

        queued.AssertOk();
        var tracks = queued.GetProperty("item").GetProperty("movie_source").GetProperty("subtitles");
        Assert.Equal(["English", "Français"], tracks.EnumerateArray().Select(t => t.Str("label")));
        Assert.All(tracks.EnumerateArray(), t => Assert.Matches("^[0-9a-f]{12}$", t.Str("track_id")));
        Assert.Equal("Two.fr.srt", tracks[1].GetProperty("source").Str("name"));

        (await hostClient.InvokeAsync("play_next", new { room_id = roomId })).AssertOk();

        var updated = await memberClient.WaitForAsync("room_updated", 1, e => e.GetRawText().Contains("two.mp4"));
        var source = updated[^1].GetProperty("room").GetProperty("movie_source");
        Assert.Equal(tracks.EnumerateArray().Select(t => t.Str("track_id")), source.GetProperty("subtitles").EnumerateArray().Select(t => t.Str("track_id")));
        Assert.False(source.TryGetProperty("subtitle_default", out _), source.GetRawText());
        var french = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles/{tracks[1].Str("track_id")}", member);
        Assert.Equal("WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nDeux\n", await french.Content.ReadAsStringAsync());
        var mine = await JsonOf(await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles", member));
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("subtitle").GetProperty("track_id").ValueKind);
    }

    [Fact]
    public async Task RestQueueAdd_Answers201WithTheItemAndItsTracks_AndRefusesAPlainMember()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;
        var body = new
        {
            movie_source = new
            {
                type = "directLink",
                url = "https://videos.test/three.mp4",
                subtitles = new[] { new { label = "Português", language = "pt-BR", source = new { type = "directLink", url = links.Url("pt.srt") } } },
            },
        };

        var created = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/queue", host, body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await JsonOf(created);
        Assert.Equal(("Português", "pt-BR"), (item.GetProperty("movie_source").GetProperty("subtitles")[0].Str("label"), item.GetProperty("movie_source").GetProperty("subtitles")[0].Str("language")));
        var queue = await memberClient.WaitForAsync("queue_updated");
        Assert.Equal(item.Str("item_id"), queue[^1].GetProperty("queue")[0].Str("item_id"));
        var refused = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/queue", member, body);
        Assert.Equal((HttpStatusCode.Forbidden, "not_host"), (refused.StatusCode, (await JsonOf(refused)).Str("error")));
    }

    public static TheoryData<string, string> BadSubtitles => new()
    {
        { "\"en.srt\"", "movie_source.subtitles" },
        { "[\"en.srt\"]", "movie_source.subtitles[0]" },
        { "[" + string.Join(",", Enumerable.Repeat("{\"label\":\"E\",\"language\":\"en\",\"source\":{\"type\":\"directLink\",\"url\":\"https://s.test/e.vtt\"}}", 17)) + "]", "movie_source.subtitles" },
        { "[{\"label\":\"E\",\"language\":\"en\",\"source\":{\"type\":\"directLink\",\"url\":\"https://s.test/e.txt\"}}]", "movie_source.subtitles[0].source.url" },
        { "[{\"label\":\"E\",\"language\":\"en\",\"source\":{\"type\":\"directLink\",\"url\":\"https://s.test/e.vtt\"}},{\"language\":\"en\",\"source\":{\"type\":\"directLink\",\"url\":\"https://s.test/e.vtt\"}}]", "movie_source.subtitles[1].label" },
        { "[{\"label\":\"E\",\"language\":\"en\",\"source\":{\"type\":\"uploadLater\"}}]", "movie_source.subtitles[0].source.type" },
    };

    [Theory]
    [MemberData(nameof(BadSubtitles))]
    public async Task QueueAdd_IsInvalidPayloadNamingTheField_WhenASubtitleEntryIsBad_OnTheHubAndRest(string subtitles, string field)
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var body = $"{{\"movie_source\":{{\"type\":\"directLink\",\"url\":\"https://videos.test/four.mp4\",\"subtitles\":{subtitles}}}}}";

        var ack = await hostClient.InvokeAsync("queue_add", Json($"{{\"room_id\":\"{roomId}\",{body[1..]}"));
        var rest = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/queue", host, body);

        ack.AssertError("invalid_payload");
        Assert.StartsWith(field + ":", ack.Str("message"));
        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
        var problem = await JsonOf(rest);
        Assert.Equal("invalid_payload", problem.Str("error"));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(0, (await Server.GetRoomAsync(host, roomId)).GetProperty("queue").GetArrayLength());
    }
}

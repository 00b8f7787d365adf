using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CinemaSync.Tests.Subtitles;

/// <summary>A loopback server of subtitle files behind direct links.</summary>
public sealed class SubtitleLinksFixture : IAsyncLifetime
{
    public const string Srt = "1\r\n00:00:01,000 --> 00:00:04,000\r\nHello <i>there</i>\r\n\r\n2\r\n00:00:05,000 --> 00:00:06,500\r\nSecond line\r\n";

    private WebApplication _app = null!;
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync() => (_app, BaseAddress) = await FakeApp.StartAsync(app =>
    {
        app.MapGet("/subs/en.srt", () => Results.Bytes(Encoding.UTF8.GetBytes(Srt), "application/x-subrip"));
        app.MapGet("/subs/pt.srt", () => Results.Bytes(Encoding.Latin1.GetBytes("1\n00:00:01,000 --> 00:00:04,000\nOlá, até já\n"), "text/plain"));
        app.MapGet("/subs/bad.srt", () => Results.Bytes(Encoding.UTF8.GetBytes("this is not a subtitle file\nat all\n"), "text/plain"));
        app.MapGet("/subs/huge.srt", () => Results.Bytes(new byte[3 * 1024 * 1024], "text/plain"));
        app.MapGet("/subs/away.srt", () => Results.Redirect("file:///etc/passwd.srt"));
        app.MapGet("/subs/moved.srt", () => Results.Redirect("/subs/en.srt"));
    });

    public string Url(string name) => new Uri(BaseAddress, "/subs/" + name).ToString();

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Tracks on the room's video, each member's own choice, and the WebVTT endpoint, on a real Kestrel port with the real SignalR client.</summary>
public sealed class SubtitleTrackTests(DriveServerFixture drive, SubtitleLinksFixture links) : IClassFixture<DriveServerFixture>, IClassFixture<SubtitleLinksFixture>
{
    private TestServer Server => drive.Server;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static object Link(string url, string label = "English", string language = "en") =>
        new { label, language, source = new { type = "directLink", url } };

    private async Task<string> AddTrackAsync(RoomClient host, string roomId, string url, string label = "English", string language = "en")
    {
        var ack = await host.InvokeAsync("subtitle_add", new { room_id = roomId, label, language, source = new { type = "directLink", url } });
        ack.AssertOk();
        return ack.GetProperty("track").Str("track_id");
    }

    private Task<HttpResponseMessage> GetTrackAsync(TestUser user, string roomId, string trackId) =>
        Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles/{trackId}", user);

    [Fact]
    public async Task SubtitleAdd_BroadcastsRoomUpdated_AndTheEndpointServesTheSrtAsWebVtt_ToAMember()
    {
        var (roomId, _, host) = await Server.HostedRoomAsync();
        await using var hostLease = host;
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;

        var trackId = await AddTrackAsync(host, roomId, links.Url("en.srt"));

        var updated = await memberClient.WaitForAsync("room_updated", 1, e => e.GetProperty("room").GetProperty("movie_source").TryGetProperty("subtitles", out _));
        var track = updated[^1].GetProperty("room").GetProperty("movie_source").GetProperty("subtitles")[0];
        Assert.Equal((trackId, "English", "en"), (track.Str("track_id"), track.Str("label"), track.Str("language")));
        var response = await GetTrackAsync(member, roomId, trackId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/vtt; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl is { Private: true, MaxAge.TotalSeconds: > 0 }, response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        var vtt = await response.Content.ReadAsStringAsync();
        Assert.Equal("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello <i>there</i>\n\n00:00:05.000 --> 00:00:06.500\nSecond line\n", vtt);

        var again = Server.Request(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles/{trackId}", member);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await Server.Http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Serve_RefusesAStrangerAndABannedMember_WithProblemDetails()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var trackId = await AddTrackAsync(hostClient, roomId, links.Url("en.srt"));
        var stranger = await Server.SignInAsync("Stranger");
        var (banned, bannedClient) = await Server.JoinedUserAsync(roomId, "Troll");
        await using var memberLease = bannedClient;
        Assert.Equal(HttpStatusCode.OK, (await GetTrackAsync(banned, roomId, trackId)).StatusCode);
        (await hostClient.InvokeAsync("kick_member", new { room_id = roomId, user_id = banned.UserId, ban = true })).AssertOk();

        foreach (var user in new[] { stranger, banned })
        {
            var response = await GetTrackAsync(user, roomId, trackId);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("not_member", (await JsonOf(response)).Str("error"));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetTrackAsync(host with { Token = "" }, roomId, trackId)).StatusCode);
        Assert.Equal("track_not_found", (await JsonOf(await GetTrackAsync(host, roomId, "nope"))).Str("error"));
    }

    [Fact]
    public async Task Serve_ConvertsADriveSubtitle_ReadThroughTheDriveClient()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var file = drive.Drive.AddTextFile(drive.ServiceAccount, "Film.fr.srt", Encoding.UTF8.GetBytes("\uFEFF1\r\n00:01:00,000 --> 00:01:02,000\r\nBonjour à tous\r\n"));

        var added = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/subtitles", host,
            new { label = "Français", language = "fr", source = new { type = "googleDrive", file_id = file.Id, owner = "service" } });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var trackId = (await JsonOf(added)).Str("track_id");
        var response = await GetTrackAsync(host, roomId, trackId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("WEBVTT\n\n00:01:00.000 --> 00:01:02.000\nBonjour à tous\n", await response.Content.ReadAsStringAsync());

        var video = drive.Drive.AddFile(drive.ServiceAccount, "NotSubs.mp4", 1000);
        var refused = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/subtitles", host,
            new { label = "Video", language = "en", source = new { type = "googleDrive", file_id = video.Id } });
        Assert.Equal("invalid_subtitle", (await JsonOf(refused)).Str("error"));
    }

    [Theory]
    [InlineData("bad.srt", 422, "invalid_subtitle")]
    [InlineData("huge.srt", 422, "invalid_subtitle")]
    [InlineData("away.srt", 502, "subtitle_unavailable")]
    [InlineData("missing.srt", 502, "subtitle_unavailable")]
    public async Task Serve_IsAClearProblem_WhenTheFileIsMalformedTooLargeOrUnreachable(string name, int status, string error)
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var trackId = await AddTrackAsync(hostClient, roomId, links.Url(name));

        var response = await GetTrackAsync(host, roomId, trackId);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await JsonOf(response);
        Assert.Equal(error, problem.Str("error"));
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
    }

    [Fact]
    public async Task Serve_FollowsAnHttpRedirect_AndReadsWindows1252()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var moved = await AddTrackAsync(hostClient, roomId, links.Url("moved.srt"));
        var latin = await AddTrackAsync(hostClient, roomId, links.Url("pt.srt"), "Português", "pt");

        Assert.Contains("Hello <i>there</i>", await (await GetTrackAsync(host, roomId, moved)).Content.ReadAsStringAsync());
        Assert.Contains("Olá, até já", await (await GetTrackAsync(host, roomId, latin)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SubtitleAddRemoveDefault_AreRefusedWithNotHost_ForAPlainMember_OnTheHubAndRest()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var trackId = await AddTrackAsync(hostClient, roomId, links.Url("en.srt"));
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;

        (await memberClient.InvokeAsync("subtitle_add", new { room_id = roomId, label = "X", language = "en", source = new { type = "directLink", url = links.Url("en.srt") } }))
            .AssertError("not_host");
        (await memberClient.InvokeAsync("subtitle_remove", new { room_id = roomId, track_id = trackId })).AssertError("not_host");
        (await memberClient.InvokeAsync("subtitle_default", new { room_id = roomId, track_id = trackId })).AssertError("not_host");
        var rest = await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/subtitles", member, Link(links.Url("en.srt")));
        Assert.Equal((HttpStatusCode.Forbidden, "not_host"), (rest.StatusCode, (await JsonOf(rest)).Str("error")));
        var delete = await Server.SendAsync(HttpMethod.Delete, $"/api/rooms/{roomId}/subtitles/{trackId}", member);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        (await hostClient.InvokeAsync("subtitle_add", new { room_id = roomId, label = "X", language = "en", source = new { type = "directLink", url = "https://s.test/x.txt" } }))
            .AssertError("invalid_payload");

        (await hostClient.InvokeAsync("subtitle_remove", new { room_id = roomId, track_id = trackId })).AssertOk();
        Assert.False((await Server.GetRoomAsync(member, roomId)).GetProperty("movie_source").TryGetProperty("subtitles", out _));
    }

    [Fact]
    public async Task SubtitleRename_BroadcastsRoomUpdated_OnTheHubAndRest_AndAnswersTheTrack()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var trackId = await AddTrackAsync(hostClient, roomId, links.Url("en.srt"));
        var (_, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;

        var ack = await hostClient.InvokeAsync("subtitle_rename", new { room_id = roomId, track_id = trackId, label = "English (SDH)" });

        ack.AssertOk();
        Assert.Equal((trackId, "English (SDH)", "en"), (ack.GetProperty("track").Str("track_id"), ack.GetProperty("track").Str("label"), ack.GetProperty("track").Str("language")));
        await memberClient.WaitForAsync("room_updated", 1, e => e.GetRawText().Contains("English (SDH)"));
        var patched = await Server.SendAsync(HttpMethod.Patch, $"/api/rooms/{roomId}/subtitles/{trackId}", host, new { label = "British", language = "en-GB" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var track = await JsonOf(patched);
        Assert.Equal((trackId, "British", "en-GB"), (track.Str("track_id"), track.Str("label"), track.Str("language")));
        await memberClient.WaitForAsync("room_updated", 1, e => e.GetRawText().Contains("en-GB"));
        var listed = (await JsonOf(await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles", host))).GetProperty("subtitles")[0];
        Assert.Equal(("British", "en-GB"), (listed.Str("label"), listed.Str("language")));
    }

    [Fact]
    public async Task SubtitleRename_IsRefused_ForAMemberAnUnknownTrackAndBadValues_OnTheHubAndRest()
    {
        var (roomId, host, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var trackId = await AddTrackAsync(hostClient, roomId, links.Url("en.srt"));
        var (member, memberClient) = await Server.JoinedUserAsync(roomId, "Member");
        await using var memberLease = memberClient;

        (await memberClient.InvokeAsync("subtitle_rename", new { room_id = roomId, track_id = trackId, label = "Mine" })).AssertError("not_host");
        (await hostClient.InvokeAsync("subtitle_rename", new { room_id = roomId, track_id = "nope", label = "X" })).AssertError("track_not_found");
        var noChange = await hostClient.InvokeAsync("subtitle_rename", new { room_id = roomId, track_id = trackId });
        noChange.AssertError("invalid_payload");
        Assert.Contains("label", noChange.Str("message"));
        var badLanguage = await hostClient.InvokeAsync("subtitle_rename", new { room_id = roomId, track_id = trackId, language = 42 });
        badLanguage.AssertError("invalid_payload");
        Assert.Contains("language: must be a string.", badLanguage.Str("message"));

        var forbidden = await Server.SendAsync(HttpMethod.Patch, $"/api/rooms/{roomId}/subtitles/{trackId}", member, new { label = "Mine" });
        Assert.Equal((HttpStatusCode.Forbidden, "not_host"), (forbidden.StatusCode, (await JsonOf(forbidden)).Str("error")));
        var missing = await Server.SendAsync(HttpMethod.Patch, $"/api/rooms/{roomId}/subtitles/nope", host, new { label = "X" });
        Assert.Equal((HttpStatusCode.NotFound, "track_not_found"), (missing.StatusCode, (await JsonOf(missing)).Str("error")));
        var invalid = await Server.SendAsync(HttpMethod.Patch, $"/api/rooms/{roomId}/subtitles/{trackId}", host, new { label = "", language = "english please" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await JsonOf(invalid)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("label", out _) && errors.TryGetProperty("language", out _), errors.GetRawText());
        Assert.Equal("English", (await JsonOf(await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles", host))).GetProperty("subtitles")[0].Str("label"));
    }

    [Fact]
    public async Task SetSubtitle_IsRestoredOnRejoin_AndNeverSeenByAnotherMember()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var en = await AddTrackAsync(hostClient, roomId, links.Url("en.srt"));
        var pt = await AddTrackAsync(hostClient, roomId, links.Url("pt.srt"), "Português", "pt");
        (await hostClient.InvokeAsync("subtitle_default", new { room_id = roomId, track_id = en })).AssertOk();
        var (ana, anaClient) = await Server.JoinedUserAsync(roomId, "Ana");
        var (bo, boClient) = await Server.JoinedUserAsync(roomId, "Bo");
        await using var boLease = boClient;

        var chosen = await anaClient.InvokeAsync("set_subtitle", new { room_id = roomId, track_id = pt });
        chosen.AssertOk();
        Assert.Equal(pt, chosen.GetProperty("subtitle").Str("track_id"));
        (await boClient.InvokeAsync("set_subtitle", new { room_id = roomId, track_id = (string?)null })).AssertOk();
        (await anaClient.InvokeAsync("set_subtitle", new { room_id = roomId })).AssertError("invalid_payload");
        await anaClient.DisposeAsync();

        await using var anaAgain = await Server.ConnectAsync(ana);
        var joined = await anaAgain.JoinAsync(roomId);
        Assert.Equal((pt, true), (joined.GetProperty("subtitle").Str("track_id"), joined.GetProperty("subtitle").GetProperty("chosen").GetBoolean()));
        var boView = await JsonOf(await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles", bo));
        Assert.Equal(JsonValueKind.Null, boView.GetProperty("subtitle").GetProperty("track_id").ValueKind);
        Assert.Equal(en, boView.Str("subtitle_default"));
        Assert.DoesNotContain(pt, boClient.Events.Select(e => e.Payload.GetRawText()).Where(p => p.Contains("\"chosen\"")));
        Assert.DoesNotContain(boClient.Events, e => e.Payload.GetRawText().Contains(ana.UserId) && e.Payload.GetRawText().Contains("subtitle\""));
        var hostJoin = await hostClient.JoinAsync(roomId);
        Assert.Equal((en, false), (hostJoin.GetProperty("subtitle").Str("track_id"), hostJoin.GetProperty("subtitle").GetProperty("chosen").GetBoolean()));
    }
}

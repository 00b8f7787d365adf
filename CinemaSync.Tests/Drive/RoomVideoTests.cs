using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Drive;

public sealed class RoomVideoTests(DriveServerFixture fixture) : IClassFixture<DriveServerFixture>
{
    private TestServer Server => fixture.Server;
    private FakeDriveServer Drive => fixture.Drive;

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task SetVideo_StoresDriveMetadata_ResetsPlayback_AndBroadcasts()
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host);
        var roomId = room.Str("room_id");
        await using var client = await Server.ConnectAsync(host);
        (await client.InvokeAsync("join_room", new { room_id = roomId })).AssertOk();
        await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/playback", host, new { status = "playing", position = 42.0 });
        var file = Drive.AddFile(fixture.ServiceAccount, "Feature.mp4", 987_654_321, durationMs: 7_200_000);

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = file.Id, owner = "service" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await JsonOf(response);
        var source = view.GetProperty("movie_source");
        Assert.Equal("googleDrive", source.Str("type"));
        Assert.Equal(file.Id, source.Str("file_id"));
        Assert.Equal("service", source.Str("owner"));
        Assert.Equal("Feature.mp4", source.Str("name"));
        Assert.Equal("video/mp4", source.Str("mime_type"));
        Assert.Equal(987_654_321, source.Long("size"));
        Assert.Equal(7_200_000, source.Long("duration_ms"));
        var playback = view.GetProperty("playback_state");
        Assert.Equal("paused", playback.Str("status"));
        Assert.Equal(0, playback.GetProperty("position").GetDouble());
        var updated = (await client.WaitForAsync("room_updated", 1, e => e.GetProperty("room").GetProperty("movie_source").TryGetProperty("name", out _))).Last();
        Assert.Equal("Feature.mp4", updated.GetProperty("room").GetProperty("movie_source").Str("name"));
    }

    [Fact]
    public async Task SetVideo_UnreadableFile_IsFileNotFound_AndChangesNothing()
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host);
        var roomId = room.Str("room_id");
        var notShared = Drive.AddFile("someone@else.test", "Private.mp4", 10);

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = notShared.Id, owner = "service" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("file_not_found", (await JsonOf(response)).Str("error"));
        Assert.Equal("directLink", (await Server.GetRoomAsync(host, roomId)).GetProperty("movie_source").Str("type"));
    }

    [Fact]
    public async Task SetVideo_ByAMember_IsNotHost_WithoutAskingDrive()
    {
        var host = await Server.SignInAsync("Host");
        var member = await Server.SignInAsync("Member");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", member);
        var file = Drive.AddFile(fixture.ServiceAccount, "Nope.mp4", 10);

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", member, new { file_id = file.Id, owner = "service" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("not_host", (await JsonOf(response)).Str("error"));
        Assert.DoesNotContain(Drive.Requests, r => r.PathAndQuery.Contains(file.Id));
    }

    [Fact]
    public async Task SetVideo_OwnerUser_ReadsTheHostsOwnDrive()
    {
        var host = await Server.SignInAsync("Host");
        var email = await fixture.ConnectGoogleAsync(host);
        var mine = Drive.AddFile(email, "Mine.mp4", 1234);
        var catalogue = Drive.AddFile(fixture.ServiceAccount, "Catalogue.mp4", 1234);
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");

        var ok = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = mine.Id, owner = "user" });
        var notMine = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = catalogue.Id, owner = "user" });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var source = (await JsonOf(ok)).GetProperty("movie_source");
        Assert.Equal("user", source.Str("owner"));
        Assert.Equal(host.UserId, source.Str("drive_user_id"));
        Assert.Equal(HttpStatusCode.NotFound, notMine.StatusCode);
    }

    [Fact]
    public async Task SetVideo_OwnerUserWithoutGoogle_IsGoogleNotConnected()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");

        var response = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = "abc123", owner = "user" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("google_not_connected", (await JsonOf(response)).Str("error"));
    }

    [Fact]
    public async Task QueueAdd_WithADriveFile_ChecksItToo()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var client = await Server.ConnectAsync(host);
        (await client.InvokeAsync("join_room", new { room_id = roomId })).AssertOk();
        var file = Drive.AddFile(fixture.ServiceAccount, "Queued.mp4", 5555, durationMs: 60_000);

        var added = await client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "googleDrive", file_id = file.Id } });
        var missing = await client.InvokeAsync("queue_add", new { room_id = roomId, movie_source = new { type = "googleDrive", file_id = "missing123" } });

        added.AssertOk();
        var item = added.GetProperty("item");
        Assert.Equal("Queued.mp4", item.Str("title"));
        Assert.Equal(5555, item.GetProperty("movie_source").Long("size"));
        missing.AssertError("file_not_found");
    }

    [Fact]
    public async Task CreateRoom_WithADriveFile_ChecksItToo()
    {
        var host = await Server.SignInAsync("Host");
        var file = Drive.AddFile(fixture.ServiceAccount, "At creation.mp4", 77);

        var room = await Server.CreateRoomAsync(host, new { name = "Drive night", is_private = false, movie_source = new { type = "googleDrive", file_id = file.Id } });
        var missing = await Server.SendAsync(HttpMethod.Post, "/api/rooms", host,
            new { name = "Bad", is_private = false, movie_source = new { type = "googleDrive", file_id = "missing123" } });

        Assert.Equal("At creation.mp4", room.GetProperty("movie_source").Str("name"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

/// <summary>Cached metadata lives in grain storage: a restarted server answers from it without Drive.</summary>
public sealed class MovieCacheRestartTests(DriveServerFixture fixture) : IClassFixture<DriveServerFixture>
{
    [Fact]
    public async Task Metadata_SurvivesARestart()
    {
        var settings = fixture.Settings();
        settings["CINEMASYNC_DATA_DIR"] = Directory.CreateTempSubdirectory("cinemasync-cache-").FullName;
        var file = fixture.Drive.AddFile(fixture.ServiceAccount, "Survivor.mp4", 31337);
        await using (var first = await TestServer.StartAsync(settings))
        {
            var user = await first.SignInAsync("Ana");
            Assert.Equal(HttpStatusCode.OK, (await first.SendAsync(HttpMethod.Get, $"/api/movies/{file.Id}", user)).StatusCode);
        }
        fixture.Drive.FailNext(100, 503); // Drive is down after the restart

        try
        {
            await using var second = await TestServer.StartAsync(settings);
            var again = await second.SignInAsync("Ana");
            var response = await second.SendAsync(HttpMethod.Get, $"/api/movies/{file.Id}", again);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Survivor.mp4", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("name"));
        }
        finally
        {
            fixture.Drive.FailNext(0, 200);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(settings["CINEMASYNC_DATA_DIR"]!, recursive: true);
        }
    }
}

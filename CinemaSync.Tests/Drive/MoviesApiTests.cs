using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Drive;

public sealed class MoviesApiTests(DriveServerFixture fixture) : IClassFixture<DriveServerFixture>
{
    private TestServer Server => fixture.Server;
    private FakeDriveServer Drive => fixture.Drive;

    private async Task<JsonElement> GetJsonAsync(TestUser user, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await Server.SendAsync(HttpMethod.Get, path, user);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Names(JsonElement body) => body.GetProperty("movies").EnumerateArray().Select(m => m.Str("name")).ToArray();

    [Fact]
    public async Task List_ReturnsOnlyVideos_PageByPage()
    {
        var user = await Server.SignInAsync("Ana");
        var tag = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++) Drive.AddFile(fixture.ServiceAccount, $"list-{tag}-{i}.mp4", 1000 + i);
        Drive.AddFile(fixture.ServiceAccount, $"list-{tag}-notes.pdf", 10, mimeType: "application/pdf");
        Drive.AddFile("someone@else.test", $"list-{tag}-private.mp4", 10);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(user, "/api/movies?page_size=2" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)));
            Assert.True(page.GetProperty("movies").GetArrayLength() <= 2);
            seen.AddRange(Names(page));
            token = page.GetProperty("next_page_token").ValueKind == JsonValueKind.Null ? null : page.Str("next_page_token");
            pages++;
        } while (token is not null && pages < 100);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"list-{tag}-{i}.mp4").Order(), seen.Where(n => n.Contains(tag)).Order());
        Assert.True(pages >= 3);
        var listed = Drive.Requests.Last(r => r.PathAndQuery.StartsWith("/drive/v3/files?"));
        Assert.Equal("mimeType contains 'video/' and trashed = false", listed.Query);
    }

    [Fact]
    public async Task Movie_HasTheContractShape()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Shape.mkv", 123_456_789, mimeType: "video/x-matroska", durationMs: 5_400_000);

        var movie = await GetJsonAsync(user, $"/api/movies/{file.Id}");

        Assert.Equal(file.Id, movie.Str("file_id"));
        Assert.Equal("Shape.mkv", movie.Str("name"));
        Assert.Equal("video/x-matroska", movie.Str("mime_type"));
        Assert.Equal(123_456_789, movie.Long("size"));
        Assert.Equal(5_400_000, movie.Long("duration_ms"));
        Assert.Equal(file.ModifiedTime.ToUnixTimeMilliseconds(), movie.Long("modified_at"));
        Assert.StartsWith("https://", movie.Str("thumbnail_url"));
        Assert.Equal("service", movie.Str("owner"));
    }

    [Fact]
    public async Task Search_FindsANameWithQuotes_AndSendsItEscaped()
    {
        var user = await Server.SignInAsync("Ana");
        var tag = Guid.NewGuid().ToString("N")[..8];
        Drive.AddFile(fixture.ServiceAccount, $"{tag} O'Brien's \"cut\".mp4", 100);
        Drive.AddFile(fixture.ServiceAccount, $"{tag} OBriens cut.mp4", 100);

        var body = await GetJsonAsync(user, "/api/movies/search?q=" + Uri.EscapeDataString($"{tag} O'Brien's \"cut\""));

        Assert.Equal([$"{tag} O'Brien's \"cut\".mp4"], Names(body));
        Assert.Contains(Drive.Requests, r => r.Query == $"name contains '{tag} O\\'Brien\\'s \"cut\"' and mimeType contains 'video/' and trashed = false");
    }

    [Fact]
    public async Task Search_CannotInjectTerms()
    {
        var user = await Server.SignInAsync("Ana");
        Drive.AddFile(fixture.ServiceAccount, "inject-target.mp4", 100);

        var body = await GetJsonAsync(user, "/api/movies/search?q=" + Uri.EscapeDataString("zzz' or name contains '"));
        Assert.Empty(Names(body));
        body = await GetJsonAsync(user, "/api/movies/search?q=" + Uri.EscapeDataString("zzz\\' or name contains '"));
        Assert.Empty(Names(body));
    }

    [Fact]
    public async Task Search_NeedsQ()
    {
        var user = await Server.SignInAsync("Ana");
        var problem = await GetJsonAsync(user, "/api/movies/search?q=%20", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Str("error"));
        problem = await GetJsonAsync(user, "/api/movies?page_size=0", HttpStatusCode.BadRequest);
        Assert.Equal("invalid_payload", problem.Str("error"));
    }

    [Fact]
    public async Task Metadata_IsCached()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Cached.mp4", 4242);
        await GetJsonAsync(user, $"/api/movies/{file.Id}");
        file.Name = "Renamed at Drive.mp4";

        var again = await GetJsonAsync(user, $"/api/movies/{file.Id}");

        Assert.Equal("Cached.mp4", again.Str("name"));
        Assert.Single(Drive.Requests, r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}?"));
    }

    [Fact]
    public async Task Metadata_UnknownFile_IsFileNotFound()
    {
        var user = await Server.SignInAsync("Ana");
        var problem = await GetJsonAsync(user, "/api/movies/doesNotExist123", HttpStatusCode.NotFound);
        Assert.Equal("file_not_found", problem.Str("error"));

        var other = Drive.AddFile("someone@else.test", "Not shared.mp4", 10);
        problem = await GetJsonAsync(user, $"/api/movies/{other.Id}", HttpStatusCode.NotFound);
        Assert.Equal("file_not_found", problem.Str("error"));
    }

    [Fact]
    public async Task Drive429ThenOk_SucceedsAfterRetry()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Retry.mp4", 10);
        Drive.FailNext(1, 429, retryAfter: "0");

        var movie = await GetJsonAsync(user, $"/api/movies/{file.Id}");

        Assert.Equal("Retry.mp4", movie.Str("name"));
        Assert.Equal(2, Drive.Requests.Count(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}?")));
    }

    [Fact]
    public async Task Drive5xxEveryTime_IsDriveError_AfterThreeTries()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Down.mp4", 10);
        Drive.FailNext(3, 503);

        var problem = await GetJsonAsync(user, $"/api/movies/{file.Id}", HttpStatusCode.BadGateway);

        Assert.Equal("drive_error", problem.Str("error"));
        Assert.Equal(3, Drive.Requests.Count(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}?")));
    }

    [Fact]
    public async Task Drive403_IsDriveError()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Forbidden.mp4", 10);
        Drive.FailNext(1, 403);

        var problem = await GetJsonAsync(user, $"/api/movies/{file.Id}", HttpStatusCode.BadGateway);

        Assert.Equal("drive_error", problem.Str("error"));
    }

    [Fact]
    public async Task ServiceAccount_GetsItsTokenWithASignedJwt()
    {
        var user = await Server.SignInAsync("Ana");
        var file = Drive.AddFile(fixture.ServiceAccount, "Who.mp4", 10);

        await GetJsonAsync(user, $"/api/movies/{file.Id}");

        var request = Drive.Requests.Last(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}?"));
        Assert.StartsWith("Bearer ya29.service-", request.Authorization);
        Assert.Equal(fixture.ServiceAccount, fixture.Google.PrincipalOf(request.Authorization![7..]));
        Assert.True(fixture.Google.JwtBearerGrants >= 1);
    }

    [Fact]
    public async Task MyDriveVideos_UseTheCallersOwnToken()
    {
        var user = await Server.SignInAsync("Ana");
        var email = await fixture.ConnectGoogleAsync(user);
        Drive.AddFile(email, "Holiday.mp4", 500);
        Drive.AddFile(email, "Scan.pdf", 500, mimeType: "application/pdf");
        Drive.AddFile(fixture.ServiceAccount, "Catalogue.mp4", 500);

        var body = await GetJsonAsync(user, "/api/google/drive/videos");

        Assert.Equal(["Holiday.mp4"], Names(body));
        Assert.All(body.GetProperty("movies").EnumerateArray(), m => Assert.Equal("user", m.Str("owner")));
        var request = Drive.Requests.Last(r => r.PathAndQuery.StartsWith("/drive/v3/files?"));
        Assert.Equal(email, fixture.Google.PrincipalOf(request.Authorization![7..]));
    }

    [Fact]
    public async Task MyDriveVideos_WithoutGoogle_IsGoogleNotConnected()
    {
        var user = await Server.SignInAsync("Ana");
        var problem = await GetJsonAsync(user, "/api/google/drive/videos", HttpStatusCode.Forbidden);
        Assert.Equal("google_not_connected", problem.Str("error"));
    }

    [Fact]
    public async Task Movies_NeedAToken()
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/api/movies", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>The recent list, on a server of its own (it starts empty).</summary>
public sealed class RecentMoviesTests(DriveServerFixture fixture) : IClassFixture<DriveServerFixture>
{
    [Fact]
    public async Task Recent_FallsBackToTheRoot_ThenListsRoomVideosNewestFirst()
    {
        var server = fixture.Server;
        var host = await server.SignInAsync("Host");
        var atRoot = fixture.Drive.AddFile(fixture.ServiceAccount, "At root.mp4", 10);
        var inFolder = fixture.Drive.AddFile(fixture.ServiceAccount, "In folder.mp4", 10);
        inFolder.Parents.Clear();
        inFolder.Parents.Add("folder1");

        var before = await (await server.SendAsync(HttpMethod.Get, "/api/movies/recent", host)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["At root.mp4"], before.GetProperty("movies").EnumerateArray().Select(m => m.Str("name")));
        Assert.Contains(fixture.Drive.Requests, r => r.Query == "'root' in parents and mimeType contains 'video/' and trashed = false");

        var room = await server.CreateRoomAsync(host);
        var roomId = room.Str("room_id");
        foreach (var file in new[] { atRoot, inFolder, atRoot })
        {
            var set = await server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = file.Id, owner = "service" });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var after = await (await server.SendAsync(HttpMethod.Get, "/api/movies/recent", host)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["At root.mp4", "In folder.mp4"], after.GetProperty("movies").EnumerateArray().Select(m => m.Str("name")));
    }
}

public sealed class MoviesNotConfiguredTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/api/movies")]
    [InlineData("/api/movies/recent")]
    [InlineData("/api/movies/search?q=x")]
    [InlineData("/api/movies/abc123")]
    public async Task Movies_WithoutServiceAccount_AreNotConfigured(string path)
    {
        var user = await fixture.Server.SignInAsync("Ana");
        var response = await fixture.Server.SendAsync(HttpMethod.Get, path, user);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not_configured", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error"));
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CinemaSync.Tests.Drive;

/// <summary>Memory and abort measurements: alone (no other test allocating or streaming meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialStreamCollection
{
    public const string Name = "Stream measurements (serial)";
}

/// <summary>Shared helpers: a room whose Drive video a member streams.</summary>
public abstract class StreamTestBase(DriveServerFixture fixture)
{
    protected DriveServerFixture Fixture => fixture;
    protected virtual TestServer Server => fixture.Server;
    protected FakeDriveServer Drive => fixture.Drive;

    protected sealed record Watch(TestUser Host, TestUser Member, string RoomId, FakeDriveServer.FakeFile File, string Url);

    /// <summary>A host sets a Drive file as the room video; a member joins and gets a stream URL.</summary>
    protected async Task<Watch> WatchAsync(long size, string owner = "service", FakeDriveServer.FakeFile? file = null, TestUser? host = null)
    {
        host ??= await Server.SignInAsync("Host");
        file ??= Drive.AddFile(Fixture.ServiceAccount, $"Movie {Guid.NewGuid():N}.mp4", size);
        var room = await Server.CreateRoomAsync(host);
        var roomId = room.Str("room_id");
        var set = await Server.SendAsync(HttpMethod.Put, $"/api/rooms/{roomId}/video", host, new { file_id = file.Id, owner });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        var member = await Server.SignInAsync("Member");
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{roomId}/join", member)).StatusCode);
        return new Watch(host, member, roomId, file, await StreamUrlAsync(member, roomId));
    }

    protected async Task<string> StreamUrlAsync(TestUser user, string roomId)
    {
        var response = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/stream-url", user);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var expiresAt = body.Long("expires_at");
        var lifetime = expiresAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange(lifetime, 3_500_000, 3_600_000);
        return body.Str("url");
    }

    protected static string PathOf(string url) => new Uri(url).PathAndQuery;

    protected async Task<HttpResponseMessage> GetAsync(string url, string? range = null, string? ifRange = null, TestUser? as_ = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, PathOf(url));
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        if (ifRange is not null) request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        if (as_ is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", as_.Token);
        return await Server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    protected static async Task<string> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("error");

    protected static async Task<(byte[] Hash, long Length)> HashBodyAsync(HttpResponseMessage response)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (hash.GetHashAndReset(), length);
    }

}

public sealed class StreamTests(DriveServerFixture fixture) : StreamTestBase(fixture), IClassFixture<DriveServerFixture>
{
    [Fact]
    public async Task FullGet_StreamsTheExactBytes()
    {
        var watch = await WatchAsync(3 * 1024 * 1024 + 17);

        using var response = await GetAsync(watch.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(watch.File.Size, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(watch.File.ETag, response.Headers.ETag!.ToString());
        var (hash, length) = await HashBodyAsync(response);
        Assert.Equal(watch.File.Size, length);
        Assert.Equal(FakeBytes.Sha256(watch.File.Seed, 0, watch.File.Size - 1), hash);
    }

    [Theory]
    [InlineData("bytes=0-99", 0L, 99L)]                         // start
    [InlineData("bytes=1000000-2999999", 1_000_000L, 2_999_999L)] // middle
    [InlineData("bytes=5242780-", 5_242_780L, 5_242_879L)]       // end, open
    [InlineData("bytes=5242870-9999999", 5_242_870L, 5_242_879L)] // end, past the size: clipped
    [InlineData("bytes=-500", 5_242_380L, 5_242_879L)]           // suffix
    [InlineData("bytes=-99999999", 0L, 5_242_879L)]              // suffix longer than the file
    public async Task Range_Answers206WithTheExactSlice(string range, long start, long end)
    {
        var watch = await WatchAsync(5_242_880);

        using var response = await GetAsync(watch.Url, range);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {start}-{end}/{watch.File.Size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(end - start + 1, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        var (hash, length) = await HashBodyAsync(response);
        Assert.Equal(end - start + 1, length);
        Assert.Equal(FakeBytes.Sha256(watch.File.Seed, start, end), hash);
        Assert.Equal($"bytes={start}-{end}", Drive.Requests.Last(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{watch.File.Id}?alt=media")).Range);
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public async Task UnsatisfiableRange_Is416WithTheSize(string range)
    {
        var watch = await WatchAsync(1000);

        using var response = await GetAsync(watch.Url, range);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */1000", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task IfRange_PassesThrough_AStaleValidatorGetsTheWholeFile()
    {
        var watch = await WatchAsync(10_000);

        using (var fresh = await GetAsync(watch.Url, "bytes=0-9", watch.File.ETag))
            Assert.Equal(HttpStatusCode.PartialContent, fresh.StatusCode);
        using var stale = await GetAsync(watch.Url, "bytes=0-9", "\"some-older-version\"");

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(10_000, stale.Content.Headers.ContentLength);
        Assert.Equal(watch.File.ETag, stale.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Head_AnswersSizeAndType_WithoutReadingDrive()
    {
        var watch = await WatchAsync(123_457);

        using var response = await Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, PathOf(watch.Url)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(123_457, response.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.DoesNotContain(Drive.Requests, r => r.PathAndQuery.StartsWith($"/drive/v3/files/{watch.File.Id}?alt=media"));
    }

    [Fact]
    public async Task NoToken_Is401()
    {
        var watch = await WatchAsync(100);

        using var response = await GetAsync($"http://x/api/stream/{watch.File.Id}?owner=service");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await ErrorOf(response));
    }

    [Fact]
    public async Task ForgedToken_Is401()
    {
        var watch = await WatchAsync(100);
        var url = watch.Url;
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");

        using var response = await GetAsync($"http://x/api/stream/{watch.File.Id}?owner=service&token={Uri.EscapeDataString(forged)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        var watch = await WatchAsync(100);
        var expired = new StreamTokens(Server.Services.GetRequiredService<IOptions<AuthOptions>>(),
            Options.Create(new StreamOptions { TokenLifetime = TimeSpan.FromSeconds(-1) }), TimeProvider.System);
        var (token, _) = expired.Create(watch.RoomId, watch.File.Id, "service", watch.Member.UserId, null);

        using var response = await GetAsync($"http://x/api/stream/{watch.File.Id}?owner=service&token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("detail"));
    }

    [Fact]
    public async Task TokenForAnotherFileOrOwner_Is403()
    {
        var watch = await WatchAsync(100);
        var other = Drive.AddFile(Fixture.ServiceAccount, "Other.mp4", 100);
        var query = new Uri(watch.Url).Query;

        using var otherFile = await GetAsync($"http://x/api/stream/{other.Id}{query}");
        using var otherOwner = await GetAsync($"http://x/api/stream/{watch.File.Id}{query.Replace("owner=service", "owner=user")}");

        Assert.Equal(HttpStatusCode.Forbidden, otherFile.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherOwner.StatusCode);
        Assert.DoesNotContain(Drive.Requests, r => r.PathAndQuery.StartsWith($"/drive/v3/files/{other.Id}"));
    }

    [Fact]
    public async Task TokenOfAnotherViewer_Is403()
    {
        var watch = await WatchAsync(100);

        using var asHost = await GetAsync(watch.Url, as_: watch.Host);
        using var asMember = await GetAsync(watch.Url, as_: watch.Member);

        Assert.Equal(HttpStatusCode.Forbidden, asHost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asMember.StatusCode);
    }

    [Fact]
    public async Task ViewerWhoLeft_CannotUseTheirToken()
    {
        var watch = await WatchAsync(100);
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Post, $"/api/rooms/{watch.RoomId}/leave", watch.Member)).StatusCode);

        using var response = await GetAsync(watch.Url);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("not_member", await ErrorOf(response));
    }

    [Fact]
    public async Task StreamUrl_ForANonMember_IsNotMember()
    {
        var watch = await WatchAsync(100);
        var stranger = await Server.SignInAsync("Stranger");

        var response = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{watch.RoomId}/stream-url", stranger);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("not_member", await ErrorOf(response));
    }

    [Fact]
    public async Task StreamUrl_ForARoomWithoutADriveVideo_IsFileNotFound()
    {
        var host = await Server.SignInAsync("Host");
        var room = await Server.CreateRoomAsync(host);

        var response = await Server.SendAsync(HttpMethod.Get, $"/api/rooms/{room.Str("room_id")}/stream-url", host);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("file_not_found", await ErrorOf(response));
    }

    [Fact]
    public async Task FileGoneAtDrive_IsFileNotFound()
    {
        var watch = await WatchAsync(100);
        Drive.RemoveFile(watch.File.Id);

        using var response = await GetAsync(watch.Url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("file_not_found", await ErrorOf(response));
    }

    [Fact]
    public async Task Drive503ThenOk_StreamsAfterRetry()
    {
        var watch = await WatchAsync(10_000);
        using (var first = await GetAsync(watch.Url, "bytes=0-0")) Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode); // metadata cached
        Drive.FailNext(2, 503);

        using var response = await GetAsync(watch.Url, "bytes=0-99");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(FakeBytes.Sha256(watch.File.Seed, 0, 99), (await HashBodyAsync(response)).Hash);
    }

    [Fact]
    public async Task Member_StreamsTheHostsOwnFile_ThroughTheHostsToken()
    {
        var host = await Server.SignInAsync("Host");
        var email = await Fixture.ConnectGoogleAsync(host);
        var file = Drive.AddFile(email, "Our holiday.mp4", 300_000);

        var watch = await WatchAsync(0, owner: "user", file: file, host: host);
        var room = await Server.GetRoomAsync(watch.Member, watch.RoomId);
        Assert.Equal("Our holiday.mp4", room.GetProperty("movie_source").Str("name"));
        Assert.Contains("owner=user", watch.Url);
        Assert.DoesNotContain("ya29", watch.Url);

        using var response = await GetAsync(watch.Url, "bytes=1000-1999");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(FakeBytes.Sha256(file.Seed, 1000, 1999), (await HashBodyAsync(response)).Hash);
        var media = Drive.Requests.Last(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}?alt=media"));
        Assert.Equal(email, Fixture.Google.PrincipalOf(media.Authorization![7..]));
    }

    [Fact]
    public async Task HostsTokenRefusedByDrive_IsRefreshedOnce()
    {
        var host = await Server.SignInAsync("Host");
        var email = await Fixture.ConnectGoogleAsync(host);
        var file = Drive.AddFile(email, "Refresh me.mp4", 50_000);
        var watch = await WatchAsync(0, owner: "user", file: file, host: host);
        var used = Drive.Requests.Last(r => r.PathAndQuery.StartsWith($"/drive/v3/files/{file.Id}")).Authorization![7..];
        Drive.RejectedTokens[used] = true; // revoked at "Google" before its expiry
        var refreshes = Fixture.Google.RefreshGrants;

        using var response = await GetAsync(watch.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeBytes.Sha256(file.Seed, 0, file.Size - 1), (await HashBodyAsync(response)).Hash);
        Assert.Equal(refreshes + 1, Fixture.Google.RefreshGrants);
    }
}

[Collection(SerialStreamCollection.Name)]
public sealed class StreamMeasurementTests(DriveServerFixture fixture) : StreamTestBase(fixture), IClassFixture<DriveServerFixture>
{
    [Fact]
    public async Task LargeFile_StreamsWithFlatMemory()
    {
        const long size = 200L * 1024 * 1024;
        var watch = await WatchAsync(size);
        using (var warmup = await GetAsync(watch.Url, "bytes=0-4194303")) await HashBodyAsync(warmup);
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;

        using var response = await GetAsync(watch.Url);
        var (hash, length) = await HashBodyAsync(response);

        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var workingSetAfter = process.WorkingSet64;
        Assert.Equal(size, length);
        Assert.Equal(FakeBytes.Sha256(watch.File.Seed, 0, size - 1), hash);
        Assert.True(managedAfter - managedBefore < 20L * 1024 * 1024, $"managed heap grew {(managedAfter - managedBefore) / 1024} KB");
        Assert.True(workingSetAfter - workingSetBefore < 20L * 1024 * 1024, $"working set grew {(workingSetAfter - workingSetBefore) / 1024} KB");
    }

    [Fact]
    public async Task ClientAbort_StopsTheUpstreamRead()
    {
        // 1 GiB (generated, no disk): loopback socket buffers may hold tens of MB in flight on each
        // hop, and a loaded machine notices the disconnect late, so "far less" is a quarter.
        const long size = 1024L * 1024 * 1024;
        var watch = await WatchAsync(size);
        Drive.ResetCounters();

        using (var response = await GetAsync(watch.Url))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 1024 * 1024)
            {
                var n = await body.ReadAsync(buffer);
                Assert.True(n > 0);
                read += n;
            }
        } // disposing the response aborts the connection

        // Let whatever was in flight settle, then check the fake stopped serving.
        long served;
        var stable = 0;
        do
        {
            served = Drive.BytesServed;
            await Task.Delay(200);
            stable = Drive.BytesServed == served ? stable + 1 : 0;
        } while (stable < 3);
        Assert.True(served < size / 4, $"the fake served {served / 1024 / 1024} MB of {size / 1024 / 1024} MB");
    }
}

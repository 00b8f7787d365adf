using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Subtitles;

namespace CinemaSync.Tests.Subtitles;

/// <summary>A host cannot aim the server at its own network through a subtitle link.</summary>
public sealed class SubtitleLinkAddressTests(SubtitleLinksFixture links) : IClassFixture<SubtitleLinksFixture>, IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Subtitles:AllowPrivateAddresses"] = "false" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Serve_RefusesALinkToALoopbackAddress_WhenPrivateAddressesAreNotAllowed()
    {
        var (roomId, host, hostClient) = await _server.HostedRoomAsync();
        await using var hostLease = hostClient;
        var ack = await hostClient.InvokeAsync("subtitle_add", new
        {
            room_id = roomId, label = "English", language = "en",
            source = new { type = "directLink", url = links.Url("en.srt") },
        });
        ack.AssertOk();

        var response = await _server.SendAsync(HttpMethod.Get, $"/api/rooms/{roomId}/subtitles/{ack.GetProperty("track").Str("track_id")}", host);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("subtitle_unavailable", problem.Str("error"));
        Assert.Contains("is not a public address", problem.Str("detail"));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void IsPublic_TellsPublicAddressesFromLocalOnes(string address, bool expected)
    {
        Assert.Equal(expected, PublicAddresses.IsPublic(IPAddress.Parse(address)));
    }
}

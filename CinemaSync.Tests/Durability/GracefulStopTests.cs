using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.SignalR.Client;

namespace CinemaSync.Tests.Durability;

/// <summary>A web node stopped with SIGTERM and started again: its clients come back by themselves.</summary>
public sealed class GracefulStopTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cinemasync-stop-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private sealed class EverySecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime < TimeSpan.FromSeconds(60) ? TimeSpan.FromMilliseconds(250) : null;
    }

    [Fact]
    public async Task Clients_ReconnectAndResume_WhenTheirWebNodeRestarts()
    {
        var port = FreePorts.Next();
        var first = await ServerProcess.StartAsync(_dataDir, port: port);
        var signIn = await first.Http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Host" });
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).Str("token");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/rooms")
        {
            Content = JsonContent.Create(new { name = "Restart", movie_source = new { type = "directLink", url = "https://v.test/m.mp4" } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var roomId = (await (await first.Http.SendAsync(create)).Content.ReadFromJsonAsync<JsonElement>()).Str("room_id");
        await using var client = await RoomClient.ConnectAsync(first.BaseAddress, token, build: b => b.WithAutomaticReconnect(new EverySecond()));
        var reconnecting = new TaskCompletionSource();
        var reconnected = new TaskCompletionSource();
        var closed = new TaskCompletionSource<Exception?>();
        client.Connection.Reconnecting += _ => { reconnecting.TrySetResult(); return Task.CompletedTask; };
        client.Connection.Reconnected += _ => { reconnected.TrySetResult(); return Task.CompletedTask; };
        client.Connection.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        var joined = await client.JoinAsync(roomId);
        (await client.InvokeAsync("update_playback", new { room_id = roomId, status = "paused", position = 42.0 })).AssertOk();
        var lastSeq = (await client.WaitForAsync("playback_updated")).Single().Long("seq");

        await first.StopAsync();
        await first.DisposeAsync();
        var outcome = await Task.WhenAny(reconnecting.Task, closed.Task).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(outcome == reconnecting.Task, $"the client was closed instead of reconnecting: {(closed.Task.IsCompleted ? await closed.Task : null)}");

        await using var second = await ServerProcess.StartAsync(_dataDir, port: port);
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var ack = await client.InvokeAsync("join_room", new { room_id = roomId, last_seq = lastSeq });

        ack.AssertOk();
        Assert.False(ack.TryGetProperty("resync", out var resync) && resync.GetBoolean(), "the journal keeps the room's events across the restart");
        // Whatever happened while the server was down (the drop) comes back, numbered on from last_seq.
        var missed = ack.GetProperty("missed_events").EnumerateArray().Select(m => m.GetProperty("payload").Long("seq")).ToList();
        Assert.Equal(Enumerable.Range((int)lastSeq + 1, missed.Count).Select(i => (long)i), missed);
        var playback = ack.GetProperty("room").GetProperty("playback_state");
        Assert.Equal("paused", playback.Str("status"));
        Assert.Equal(42.0, playback.GetProperty("position").GetDouble());
        Assert.True(ack.GetProperty("room").Long("seq") >= lastSeq);
        Assert.Equal(joined.GetProperty("room").Str("host_id"), ack.GetProperty("room").Str("host_id"));
    }
}

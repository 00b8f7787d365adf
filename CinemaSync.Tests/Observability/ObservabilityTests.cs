using CinemaSync.Contracts;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CinemaSync.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Tests.Observability;

/// <summary>Meters are process-wide: these tests run alone so other tests' traffic does not count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection
{
    public const string Name = "observability";
}

[Collection(ObservabilityCollection.Name)]
public sealed class MetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private Task<double> ScrapeAsync(string metric) => PrometheusScrape.SumAsync(Server.Http, metric);

    private async Task<double> WaitForAsync(string metric, double expected)
    {
        var value = 0.0;
        for (var i = 0; i < 100 && (value = await ScrapeAsync(metric)) < expected; i++) await Task.Delay(50);
        return value;
    }

    [Fact]
    public async Task Metrics_CountTheScriptedSession()
    {
        var host = await Server.SignInAsync("Host");
        var roomId = (await Server.CreateRoomAsync(host)).Str("room_id");
        await using var hostClient = await Server.ConnectAsync(host);
        (await hostClient.JoinAsync(roomId)).AssertOk();
        var member = await Server.SignInAsync("Member");
        await using var memberClient = await Server.ConnectAsync(member);
        (await memberClient.JoinAsync(roomId)).AssertOk();
        await hostClient.WaitForAsync("user_joined");
        var delivered = await ScrapeAsync("cinemasync_room_events_delivered_total");
        var published = await ScrapeAsync("cinemasync_room_events_published_total");
        var acks = await ScrapeAsync("cinemasync_hub_acks_total");

        for (var i = 0; i < 3; i++)
            (await hostClient.InvokeAsync("update_playback", new { room_id = roomId, status = i % 2 == 0 ? "playing" : "paused", position = i * 10.0 })).AssertOk();
        await memberClient.WaitForAsync("playback_updated", 3);

        Assert.Equal(delivered + 6, await WaitForAsync("cinemasync_room_events_delivered_total", delivered + 6));
        Assert.Equal(published + 3, await ScrapeAsync("cinemasync_room_events_published_total"));
        Assert.Equal(acks + 3, await ScrapeAsync("cinemasync_hub_acks_total"));
        Assert.True(await ScrapeAsync("cinemasync_hub_connections") >= 2);
        Assert.True(await ScrapeAsync("cinemasync_room_members_joined") >= 2);
        Assert.True(await ScrapeAsync("cinemasync_rooms_active") >= 1);
        Assert.True(await ScrapeAsync("cinemasync_room_fanout_duration_milliseconds_count") >= 3);
        Assert.True(await ScrapeAsync("cinemasync_storage_write_duration_milliseconds_count") >= 3);
        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains("result=\"ok\"", metrics);
        Assert.Matches("(?m)^orleans_", metrics);
        Assert.Matches("(?m)^http_server_request_duration", metrics);
    }

    [Fact]
    public async Task HubAcks_AreCountedByErrorCode()
    {
        var user = await Server.SignInAsync("Someone");
        await using var client = await Server.ConnectAsync(user);
        var before = await ScrapeAsync("cinemasync_hub_acks_total");

        (await client.InvokeAsync("join_room", new { room_id = "missing-room" })).AssertError("room_not_found");

        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Matches("cinemasync_hub_acks_total\\{[^}]*result=\"room_not_found\"", metrics);
        Assert.Equal(before + 1, await ScrapeAsync("cinemasync_hub_acks_total"));
    }
}

[Collection(ObservabilityCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Ready_TurnsUnhealthy_WhileTheStoreCannotBeWritten_AndHealthyAfter()
    {
        // Every request probes (the default reuses a probe's result for a few seconds).
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Health:ProbeCacheDuration"] = "00:00:00" });
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/ready")).StatusCode);

        var dbPath = Path.Combine(server.DataDirectory, "cinemasync.db");
        await using (var locker = new SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            await locker.OpenAsync();
            using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();

            var locked = await server.Http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, locked.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/live")).StatusCode);
            var body = await server.Http.GetStringAsync("/api/health");
            Assert.Contains("\"status\":\"degraded\"", body);

            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        HttpStatusCode status = default;
        for (var i = 0; i < 100 && (status = (await server.Http.GetAsync("/health/ready")).StatusCode) != HttpStatusCode.OK; i++)
            await Task.Delay(100);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"status\":\"ok\"", await server.Http.GetStringAsync("/api/health"));
    }
}

[Collection(ObservabilityCollection.Name)]
public sealed class LogAndTraceTests
{
    [Fact]
    public async Task Logs_OfAFullSession_NeverContainTokensOrPasswords()
    {
        var capture = new CapturingLoggerProvider();
        var everything = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Orleans"] = "Debug", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        await using (var server = await TestServer.StartAsync(everything, b => b.Logging.AddProvider(capture)))
        {
            const string password = "hunter2-correct-horse";
            var host = await server.SignInAsync("Host");
            var roomId = (await server.CreateRoomAsync(host, new { name = "Secret", is_private = true, password, movie_source = new { type = "uploadLater" } })).Str("room_id");
            var guest = await server.SignInAsync("Guest");
            await using var client = await RoomClient.ConnectAsync(server.BaseAddress, guest.Token, o => o.SkipNegotiation = true);
            (await client.JoinAsync(roomId, "wrong-password-attempt")).AssertError("invalid_password");
            (await client.JoinAsync(roomId, password)).AssertOk();
            (await client.InvokeAsync("chat_message", new { room_id = roomId, text = "hello" })).AssertOk();
            (await client.InvokeAsync("leave_room", new { room_id = roomId })).AssertOk();
            await server.SendAsync(HttpMethod.Get, "/api/rooms/mine", host);

            var all = string.Join("\n", capture.Lines);
            Assert.Contains($"Room {roomId} created", all);
            foreach (var secret in new[] { host.Token, guest.Token, password, "wrong-password-attempt", host.Token.Split('.')[2], guest.Token.Split('.')[2] })
                Assert.DoesNotContain(secret, all);
        }
    }

    [Fact]
    public async Task HubCall_GrainCall_AndStorageWrite_ShareOneTrace_WhenTracesAreExported()
    {
        // Nothing listens there: the exporter's pushes fail quietly; what is recorded is what counts.
        var trace = await TraceOfAPlaybackUpdateAsync(new Dictionary<string, string?> { [SharedTelemetry.OtlpEndpointVariable] = "http://127.0.0.1:9" });

        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.Contains(trace, a => a.Source.Name == "CinemaSync" && a.DisplayName == "room.persist");
    }

    [Fact]
    public async Task GrainCalls_CarryNoTrace_WhenTracesAreNotExported()
    {
        var trace = await TraceOfAPlaybackUpdateAsync(null);

        Assert.DoesNotContain(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    /// <summary>The activities of one <c>update_playback</c>'s trace, recorded by a listener of every source involved.</summary>
    private static async Task<List<Activity>> TraceOfAPlaybackUpdateAsync(IDictionary<string, string?>? settings)
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "CinemaSync" or "Microsoft.AspNetCore.SignalR.Server" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync(settings);
        var host = await server.SignInAsync("Host");
        var roomId = (await server.CreateRoomAsync(host)).Str("room_id");
        await using var client = await server.ConnectAsync(host);
        (await client.JoinAsync(roomId)).AssertOk();

        (await client.InvokeAsync("update_playback", new { room_id = roomId, status = "playing", position = 1.0 })).AssertOk();

        Activity? hubCall = null;
        for (var i = 0; i < 50 && hubCall is null; i++)
        {
            hubCall = activities.FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore.SignalR.Server" && a.DisplayName.Contains("update_playback"));
            if (hubCall is null) await Task.Delay(50);
        }
        Assert.NotNull(hubCall);
        await Task.Delay(100); // the grain call's activities stop after the hub call's
        return activities.Where(a => a.TraceId == hubCall!.TraceId).ToList();
    }
}

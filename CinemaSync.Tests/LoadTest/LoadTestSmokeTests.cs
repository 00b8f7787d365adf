using System.Text.Json;
using CinemaSync.LoadTest;
using Xunit.Abstractions;

namespace CinemaSync.Tests.LoadTest;

/// <summary>
/// The load tester's smoke run (issue 7): 5 rooms × 3 members, a few seconds of playback, chat
/// and sync_time traffic, nothing lost, duplicated or failed. The target is the only thing a
/// subclass chooses, so the real server's smoke test is one override of <see cref="StartTargetAsync"/>.
/// </summary>
public abstract class LoadTestSmokeTestsBase(ITestOutputHelper output)
{
    protected abstract Task<ILoadTarget> StartTargetAsync();

    [Theory]
    [InlineData(LoadTestOptions.JsonProtocol)]
    [InlineData(LoadTestOptions.MessagePackProtocol)]
    public async Task RunAsync_LosesNothing_WhenFiveRoomsOfThreeMembersRunForFiveSeconds(string protocol)
    {
        await using var target = await StartTargetAsync();
        var options = new LoadTestOptions
        {
            Rooms = 5,
            Members = 3,
            Duration = 5,
            Rate = 2,
            ChatRate = 1,
            SyncInterval = 1,
            Grace = 3,
            Progress = false,
            Protocol = protocol,
        };
        options.Urls.Add(target.Url);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var result = await LoadTestRunner.RunAsync(options, timeout.Token);
        output.WriteLine(result.ToTable());

        string why = string.Join(Environment.NewLine, result.ErrorSamples);
        Assert.True(result.Errors == 0, $"errors: {result.Errors}{Environment.NewLine}{why}");
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.Equal(15, result.JoinedMembers);
        Assert.True(result.Commands > 0, "no playback command was acknowledged");
        Assert.True(result.ExpectedDeliveries > 0);
        Assert.Equal(result.ExpectedDeliveries, result.Deliveries);
        Assert.Equal(result.Commands * 3, result.ExpectedDeliveries);
        Assert.True(result.ChatMessages > 0, "no chat message was acknowledged");
        Assert.True(result.SyncCalls > 0, "no sync_time call was acknowledged");
        Assert.Equal(result.Deliveries, result.DeliveryMs.Count);
        Assert.Equal(result.Commands, result.TimeToLastMemberMs.Count);
        Assert.True(result.Success);

        // The JSON the benchmark script reads (issue 7's field names).
        using var json = JsonDocument.Parse(result.ToJson());
        var root = json.RootElement;
        foreach (string histogram in new[] { "delivery_ms", "time_to_last_member_ms", "join_ms" })
        {
            foreach (string field in new[] { "p50", "p95", "p99", "max" })
            {
                Assert.Equal(JsonValueKind.Number, root.GetProperty(histogram).GetProperty(field).ValueKind);
            }
        }
        foreach (string field in new[] { "deliveries", "expected_deliveries", "lost", "duplicated", "errors", "commands", "rooms", "members", "duration_s" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(field).ValueKind);
        }
        Assert.Equal(15, root.GetProperty("members").GetInt32());
        Assert.Equal(protocol, root.GetProperty("protocol").GetString());
        Assert.Contains($"protocol {protocol}", result.ToTable(), StringComparison.Ordinal);
    }
}

/// <summary>Against the bare relay in bench/Relay, in-process on a free port.</summary>
public sealed class RelayLoadTestSmokeTests(ITestOutputHelper output) : LoadTestSmokeTestsBase(output)
{
    protected override Task<ILoadTarget> StartTargetAsync() => RelayTarget.StartAsync();
}

/// <summary>
/// Against the real server: web node, co-hosted silo, RoomGrain writing through to a temporary
/// SQLite file on every change, observers fanning out to SignalR groups.
/// </summary>
public sealed class ServerLoadTestSmokeTests(ITestOutputHelper output) : LoadTestSmokeTestsBase(output)
{
    protected override Task<ILoadTarget> StartTargetAsync() => CinemaSyncTarget.StartAsync();
}

/// <summary>The accounting itself: a relay told to drop and repeat events is caught, exactly.</summary>
public sealed class LoadTestAccountingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunAsync_CountsEveryDropAndRepeat_WhenTheRelayInjectsFaults()
    {
        // Every 4th playback_updated of a room skips one member, every 5th is sent twice.
        await using var target = await RelayTarget.StartAsync("--Relay:DropEvery", "4", "--Relay:DuplicateEvery", "5");
        var options = new LoadTestOptions { Rooms = 2, Members = 3, Duration = 3, Rate = 4, SyncInterval = 0, Grace = 1, Progress = false };
        options.Urls.Add(target.Url);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await LoadTestRunner.RunAsync(options, timeout.Token);
        output.WriteLine(result.ToTable());

        // 3 s at 4/s: 12 commands a room, so drops at the 4th, 8th, 12th and repeats at the 5th, 10th.
        Assert.Equal(0, result.Errors);
        Assert.Equal(24, result.Commands);
        Assert.Equal(24 * 3, result.ExpectedDeliveries);
        Assert.Equal(2 * 3, result.Lost);
        Assert.Equal(result.ExpectedDeliveries - 2 * 3, result.Deliveries);
        Assert.Equal(2 * 2 * 3, result.Duplicated);
        Assert.False(result.Success);
    }
}

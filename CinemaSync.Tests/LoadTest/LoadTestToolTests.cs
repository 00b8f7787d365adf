using CinemaSync.LoadTest;

namespace CinemaSync.Tests.LoadTest;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void PercentileMicros_IsWithinOnePercent_WhenValuesAreUniform()
    {
        var histogram = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++)
        {
            histogram.RecordMicros(v);
        }

        Assert.InRange(histogram.PercentileMicros(0.50), 49_500, 50_500);
        Assert.InRange(histogram.PercentileMicros(0.99), 98_000, 100_000);
        Assert.Equal(100_000, histogram.PercentileMicros(1.0));
        Assert.Equal(100.0, histogram.Summarize().Max);
        Assert.Equal(100_000, histogram.Count);
    }

    [Fact]
    public void IndexOf_IsMonotonicAndInvertible_AcrossBucketBoundaries()
    {
        int previous = -1;
        for (long v = 0; v < 5_000_000; v = v < 1000 ? v + 1 : v + 997)
        {
            int index = LatencyHistogram.IndexOf(v);
            Assert.True(index >= previous);
            Assert.True(LatencyHistogram.HighestOf(index) >= v);
            Assert.True(index == 0 || LatencyHistogram.HighestOf(index - 1) < v);
            previous = index;
        }
    }

    [Fact]
    public void Summarize_IsZero_WhenNothingWasRecorded()
    {
        var summary = new LatencyHistogram().Summarize();

        Assert.Equal(0, summary.Count);
        Assert.Equal(0, summary.P99);
    }
}

public sealed class LoadTestOptionsTests
{
    [Fact]
    public void Parse_CollectsEveryUrl_WhenUrlIsRepeated()
    {
        var options = LoadTestOptions.Parse(
            ["--url", "http://127.0.0.1:1/", "--url=http://127.0.0.1:2", "--rooms", "7", "--members", "4", "--rate", "0.5", "--json", "out.json"],
            out string? error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(["http://127.0.0.1:1", "http://127.0.0.1:2"], options.Urls);
        Assert.Equal(7, options.Rooms);
        Assert.Equal(4, options.Members);
        Assert.Equal(0.5, options.Rate);
        Assert.Equal("out.json", options.JsonPath);
        Assert.Equal(4, options.EffectiveMaxParticipants);
    }

    [Theory]
    [InlineData("--rooms", "0")]
    [InlineData("--rate", "-1")]
    [InlineData("--bogus", "1")]
    [InlineData("--url", "ftp://x")]
    [InlineData("--protocol", "xml")]
    public void Parse_ReportsAnError_WhenAnArgumentIsBad(string name, string value)
    {
        var options = LoadTestOptions.Parse(["--url", "http://127.0.0.1:1", name, value], out string? error);

        Assert.Null(options);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.DoesNotContain('\n', error);
        if (name != "--bogus") Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "json")]
    [InlineData(new[] { "--protocol", "messagepack" }, "messagepack")]
    [InlineData(new[] { "--protocol=json" }, "json")]
    public void Parse_ReadsTheHubProtocol_WhenGivenOrNot(string[] extra, string expected)
    {
        var options = LoadTestOptions.Parse(["--url", "http://127.0.0.1:1", .. extra], out string? error);

        Assert.Null(error);
        Assert.Equal(expected, options!.Protocol);
        Assert.Contains($"protocol={expected}", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReturnsNoOptionsAndNoError_WhenHelpIsAsked()
    {
        var options = LoadTestOptions.Parse(["--help"], out string? error);

        Assert.Null(options);
        Assert.Null(error);
        Assert.Contains("--join-rate", LoadTestOptions.HelpText);
    }

    [Fact]
    public void Parse_RequiresAUrl()
    {
        Assert.Null(LoadTestOptions.Parse(["--rooms", "1"], out string? error));
        Assert.Contains("--url", error);
    }
}

public sealed class LoadTestProgramTests
{
    [Fact]
    public async Task Main_ExitsOneAndWritesTheLossToJson_WhenTheRelayDropsEvents()
    {
        await using var target = await RelayTarget.StartAsync("--Relay:DropEvery", "3");
        string json = Path.Combine(Path.GetTempPath(), $"loadtest-{Guid.NewGuid():N}.json");
        try
        {
            int exit = await CinemaSync.LoadTest.Program.Main(
                ["--url", target.Url, "--rooms", "1", "--members", "2", "--rate", "3", "--duration", "1", "--grace", "1",
                 "--sync-interval", "0", "--room-settings", "{\"wait_for_buffering\":false}", "--no-progress", "--json", json]);

            Assert.Equal(1, exit);
            using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(1, doc.RootElement.GetProperty("lost").GetInt64());
            Assert.Equal(3, doc.RootElement.GetProperty("commands").GetInt64());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Main_ExitsTwo_WhenAnArgumentIsBad()
    {
        Assert.Equal(2, await CinemaSync.LoadTest.Program.Main(["--rooms", "x"]));
    }
}

public sealed class ServerProbeTests
{
    [Fact]
    public async Task CheckNoDelay_FindsKestrelsAcceptedSocketsWithNoDelayOn_WhenAClientIsConnected()
    {
        await using var target = await RelayTarget.StartAsync();
        int port = new Uri(target.Url).Port;
        using var client = new System.Net.Sockets.TcpClient { NoDelay = false };
        await client.ConnectAsync("127.0.0.1", port);
        // A request makes sure Kestrel has accepted the connection.
        var stream = client.GetStream();
        await stream.WriteAsync("GET /bench/nodelay HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        var buffer = new byte[512];
        Assert.True(await stream.ReadAsync(buffer) > 0);

        var (seen, on, problem) = ServerProbe.CheckNoDelay(Environment.ProcessId, port);

        Assert.Null(problem);
        Assert.True(seen >= 1, "the server's end of the connection was not found");
        Assert.Equal(seen, on);
        Assert.NotNull(ServerProbe.TryRead(Environment.ProcessId));
    }
}

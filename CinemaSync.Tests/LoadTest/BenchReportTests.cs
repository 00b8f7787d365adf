using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.LoadTest;

/// <summary>
/// <c>bench/run.sh --report DIR</c> on a copy of the checked-in results in LoadTest/BenchReport
/// (small JSON files in the shape the load tester and bench/Stream write): the table's ratios and
/// its met / missed verdicts. Nothing is measured; the script needs bash and jq.
/// </summary>
public sealed class BenchReportTests : IDisposable
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "bench", "run.sh");
    private static readonly string Fixture = Path.Combine(RepositoryPaths.Root, "CinemaSync.Tests", "LoadTest", "BenchReport");
    private readonly string _dir = Directory.CreateTempSubdirectory("cinemasync-bench-report-").FullName;

    public BenchReportTests()
    {
        foreach (var file in Directory.GetFiles(Fixture))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Report_JudgesEveryTarget_WhenGivenTheFixture()
    {
        var table = await ReportAsync();

        Assert.Contains("2 cores, protocol json, knee pinned: true", table);
        Assert.Equal(("1.31", "missed"), Row(table, "fanout: time-to-last-member p99 (ms)"));
        Assert.Equal(("1.20", "met"), Row(table, "fanout: CPU us per delivery")); // 119.9 / 100 = 1.199
        Assert.Equal(("", "met"), Row(table, "fanout: lost / errors"));
        Assert.Equal(("1.00", "met"), Row(table, "big: time-to-last-member p99 (ms)"));
        Assert.Equal(("1.25", "missed"), Row(table, "big: join (invoke to ack) p99 (ms)"));
        Assert.Equal("met", Row(table, "memory: RSS kB per member, no GC").Status); // 31.9 kB, absolute <= 32
        Assert.Equal("missed", Row(table, "memory: RSS kB per member, after full GC").Status); // 32.1 kB
        Assert.Equal(("0.80", "met"), Row(table, "knee: members at p99 <= 100 ms, no loss"));
        Assert.Equal(("0.70", "missed"), Row(table, "stream: MiB/s median: proxy | direct"));
        Assert.Equal(("1.40", "met"), Row(table, "stream: CPU s per GiB: proxy | copy loop"));
        Assert.Equal("met", Row(table, "stream: proxy target (either row above)").Status);
        Assert.Contains("1.02/1.10 (server), 0.95/1.01 (relay)", table);
    }

    [Theory]
    [InlineData(13.1, "missed")]
    [InlineData(12.9, "met")]
    [InlineData(13.0, "met")]
    public async Task Report_JudgesFanoutP99AgainstOnePointThreeTimesTheRelay_WhenServerP99Varies(double serverP99, string expected)
    {
        Edit("server-fanout.json", json => json["time_to_last_member_ms"]!["p99"] = serverP99);

        Assert.Equal(expected, Row(await ReportAsync(), "fanout: time-to-last-member p99 (ms)").Status);
    }

    [Theory]
    [InlineData(31.9, "met")]
    [InlineData(32.0, "met")]
    [InlineData(32.1, "missed")]
    public async Task Report_JudgesRssPerMemberAgainstThirtyTwoKilobytes_WhenServerRssVaries(double kb, string expected)
    {
        Edit("server-memory.json", json => json["server_rss_kb_per_member"] = kb);

        Assert.Equal(expected, Row(await ReportAsync(), "memory: RSS kB per member, no GC").Status);
    }

    [Theory]
    [InlineData("2000", "2500", "met")]
    [InlineData("1990", "2500", "missed")]
    [InlineData("<500", "2500", "missed")]
    [InlineData(">=2500", "3000", "met")]
    [InlineData(">=1000", "3000", "n/a (bound)")]
    [InlineData("2500", ">=3000", "n/a (bound)")]
    [InlineData("1000", ">=3000", "missed")]
    public async Task Report_JudgesTheKneeAgainstEightTenthsOfTheRelay_WhenSearchesEndedAsGiven(string server, string relay, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "server-knee.txt"), server + "\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "relay-knee.txt"), relay + "\n");

        Assert.Equal(expected, Row(await ReportAsync(), "knee: members at p99 <= 100 ms, no loss").Status);
    }

    [Fact]
    public async Task Report_MarksTheStreamTargetMissed_WhenNeitherThroughputNorCpuMeetsIt()
    {
        Edit("stream.json", json => json["proxy_cpu_s_per_gib"] = 1.6);

        var table = await ReportAsync();

        Assert.Equal(("1.60", "missed"), Row(table, "stream: CPU s per GiB: proxy | copy loop"));
        Assert.Equal("missed", Row(table, "stream: proxy target (either row above)").Status);
    }

    [Fact]
    public async Task Report_ShowsNotAvailable_WhenAResultFileIsMissing()
    {
        File.Delete(Path.Combine(_dir, "relay-fanout.json"));
        File.Delete(Path.Combine(_dir, "server-fanout.json"));

        var table = await ReportAsync();

        Assert.Equal(("n/a", "n/a"), Row(table, "fanout: time-to-last-member p99 (ms)"));
        Assert.Equal(("", "n/a"), Row(table, "fanout: lost / errors"));
        Assert.Equal("met", Row(table, "memory: RSS kB per member, no GC").Status);
    }

    [Fact]
    public async Task Report_ExitsWithTwoAndOneLine_WhenTheDirectoryDoesNotExist()
    {
        var (code, output) = await RunAsync(Path.Combine(_dir, "missing"));

        Assert.Equal(2, code);
        Assert.Equal($"bench/run.sh: --report {Path.Combine(_dir, "missing")}: no such directory", output.Trim());
    }

    private void Edit(string file, Action<JsonNode> change)
    {
        var path = Path.Combine(_dir, file);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private async Task<string> ReportAsync()
    {
        var (code, output) = await RunAsync(_dir);
        Assert.True(code == 0, $"bench/run.sh --report exited {code.ToString(CultureInfo.InvariantCulture)} (it needs jq):\n{output}");
        return output;
    }

    private static async Task<(int Code, string Output)> RunAsync(string dir)
    {
        using var script = ChildProcess.Start(new ProcessStartInfo("bash", [Script, "--report", dir]));
        Assert.True(await script.WaitForExitAsync(TimeSpan.FromSeconds(30)), script.Output);
        return (script.ExitCode, script.Output);
    }

    /// <summary>The ratio and verdict columns of the row that starts with <paramref name="label"/>.</summary>
    private static (string Ratio, string Status) Row(string table, string label)
    {
        var line = table.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal)).TrimEnd();
        // printf '%-46s %12s %12s %7s %9s  %s': the ratio is at 73..79, the verdict from 92 on.
        var ratio = line.Length > 73 ? line[73..Math.Min(80, line.Length)].Trim() : "";
        var status = line.Length > 92 ? line[92..].Trim() : "";
        return (ratio, status);
    }
}

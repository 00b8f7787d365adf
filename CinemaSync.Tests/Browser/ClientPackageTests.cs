using System.Text.RegularExpressions;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>
/// The client package <c>@cinemasync/client</c> (clients/js): its unit tests under node's test
/// runner (the sync engine with a fake clock and a fake video, RoomClient over a fake SignalR
/// connection, the status reporter, the room state), and RoomClient against this server.
/// </summary>
public sealed class ClientPackageTests(ITestOutputHelper output)
{
    public static string PackageDirectory => Path.Combine(RepositoryPaths.Root, "clients", "js");

    /// <summary>Runs a node script in the package's folder; fails the test with its output when it fails.</summary>
    public static async Task<string> RunPassingAsync(ITestOutputHelper output, IEnumerable<string> arguments, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        Assert.True(Directory.Exists(Path.Combine(PackageDirectory, "node_modules", "@microsoft", "signalr")),
            "clients/js has no node_modules: building CinemaSync.Web runs npm ci there (or run it by hand).");
        var (exitCode, text) = await NodeScript.RunAsync(PackageDirectory, arguments, timeout, environment);
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"node {string.Join(' ', arguments)} failed (exit {exitCode}):\n{text}");
        return text;
    }

    [NodeFact]
    public async Task ClientPackage_PassesItsUnitTests_UnderNode()
    {
        var text = await RunPassingAsync(output, ["--test", "--test-reporter=spec", "test/"], TimeSpan.FromSeconds(90));

        var passed = Regex.Match(text, @"ℹ pass (\d+)");
        Assert.True(passed.Success && int.Parse(passed.Groups[1].Value) > 0, "node --test ran no test");
    }

    [NodeFact]
    public async Task RoomClient_JoinsChatsQueuesWaitsForBufferingAndResumes_AgainstTheRealServer()
    {
        await using var server = await TestServer.StartAsync();

        var text = await RunPassingAsync(output, ["live/server.mjs"], TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["CINEMASYNC_URL"] = server.BaseAddress.ToString() });

        Assert.Contains("RESULT {\"ok\":true,\"ben_protocol\":\"json\"", text, StringComparison.Ordinal);
    }

    [NodeFact]
    public async Task RoomClient_DoesTheSameOverMessagePack_WhenGivenTheMessagePackProtocol()
    {
        await using var server = await TestServer.StartAsync();

        var text = await RunPassingAsync(output, ["live/server.mjs"], TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["CINEMASYNC_URL"] = server.BaseAddress.ToString(), ["CINEMASYNC_HUB_PROTOCOL"] = "messagepack" });

        Assert.Contains("RESULT {\"ok\":true,\"ben_protocol\":\"messagepack\"", text, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.LoadTest;

/// <summary>
/// The load tester as a user runs it (its own process, the README's arguments) against a server
/// process as a user starts it (Development, no setting changed: the default sign-in and hub limits).
/// </summary>
public sealed class LoadTestCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("cinemasync-loadtest-").FullName;

    [Fact]
    public async Task LoadTester_ExitsZero_WhenMoreMembersThanTheSignInLimitSignInToADefaultServer()
    {
        await using var server = await ServerProcess.StartAsync(_dataDir,
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, generousRateLimits: false);
        var json = Path.Combine(_dataDir, "lt.json");
        // 6 rooms × 3 members: 18 sign-ins from one IP within seconds, the default limit being 10 a minute.
        var info = new ProcessStartInfo("dotnet",
        [
            ServerProcess.SiblingAssembly("CinemaSync.LoadTest"),
            "--url", server.BaseAddress.ToString(), "--rooms", "6", "--members", "3", "--duration", "3", "--json", json,
            "--no-progress",
        ]);
        using var tester = ChildProcess.Start(info);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await tester.WaitForExitAsync(timeout.Token);
        output.WriteLine(tester.Output);

        Assert.True(tester.ExitCode == 0, $"the load tester exited {tester.ExitCode}:\n{tester.Output}");
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        Assert.Equal(18, result.RootElement.GetProperty("members").GetInt32());
        Assert.Equal(0, result.RootElement.GetProperty("errors").GetInt64());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // The server may still hold a file for a moment; the temp folder is cleaned anyway.
        }
    }
}

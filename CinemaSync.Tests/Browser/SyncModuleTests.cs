using System.Diagnostics;
using CinemaSync.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Browser;

/// <summary>
/// The reference sync module (wwwroot/js/sync.js) on its own: clock offset selection, target
/// extrapolation, scheduled start, the rate band's hysteresis, hard seeks, seq/version
/// filtering and local-control overrides, with a fake clock and a fake video
/// (<c>node --test browser-tests/sync.test.mjs</c>).
/// </summary>
public sealed class SyncModuleTests(ITestOutputHelper output)
{
    [NodeFact]
    public async Task SyncModule_PassesItsUnitTests_UnderNode()
    {
        var info = new ProcessStartInfo("node", ["--test", "--test-reporter=spec", "sync.test.mjs"])
        {
            WorkingDirectory = BrowserPrerequisites.BrowserTestsDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(cts.Token);
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(node.ExitCode == 0, $"node --test sync.test.mjs failed:\n{text}");
    }
}

using System.Diagnostics;
using System.Text;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// A browser-test script started once with <c>--serve</c>: one node process and one Chromium run
/// scenario after scenario, each named on a line of its standard input and ended by a line
/// <c>DONE &lt;exit code&gt;</c> (see <c>runScenario</c> in browser-tests/helpers.mjs). A scenario
/// past its timeout kills the process; the next one starts a new one.
/// </summary>
public sealed class BrowserScenarioSession(string workingDirectory, string script, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private Process? _node;

    public async Task<(int ExitCode, string Output)> RunAsync(string scenario, TimeSpan timeout)
    {
        await _one.WaitAsync();
        try
        {
            var node = _node is { HasExited: false } ? _node : _node = Start();
            lock (_stderr) _stderr.Clear();
            await node.StandardInput.WriteLineAsync(scenario);
            await node.StandardInput.FlushAsync();
            var output = new StringBuilder();
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                string? line;
                try
                {
                    line = await node.StandardOutput.ReadLineAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    await StopAsync();
                    return (-1, $"timed out after {timeout.TotalSeconds} s\n{output}{Errors()}");
                }
                if (line is null) return (-1, $"{script} exited before the scenario ended\n{output}{Errors()}");
                if (line.StartsWith("DONE ", StringComparison.Ordinal)) return (int.Parse(line["DONE ".Length..]), output + Errors());
                output.AppendLine(line);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private string Errors()
    {
        lock (_stderr) return _stderr.ToString();
    }

    private Process Start()
    {
        var info = new ProcessStartInfo("node", [script, "--serve"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var node = Process.Start(info)!;
        node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data);
        };
        node.BeginErrorReadLine();
        return node;
    }

    private async Task StopAsync()
    {
        if (_node is null) return;
        if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        await _node.WaitForExitAsync();
        _node.Dispose();
        _node = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is { HasExited: false } node)
        {
            node.StandardInput.Close(); // the script closes Chromium and exits
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await node.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // killed below
            }
        }
        await StopAsync();
        _one.Dispose();
    }
}

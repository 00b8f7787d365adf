using System.Diagnostics;
using CinemaSync.Tests.Infrastructure;

namespace CinemaSync.Tests.Hosting;

/// <summary><c>scripts/cluster.sh status</c> against a state file of real processes.</summary>
public sealed class ClusterScriptTests
{
    private static string Script => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "scripts", "cluster.sh"));

    private static string State(int pid) => File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].Split(' ')[0];

    [Fact]
    public async Task Status_ReportsAKilledButUnreapedProcessAsNotRunning()
    {
        // A parent that never reaps: `sleep 0.01` exits and stays a zombie under `sleep 30`.
        var parentInfo = new ProcessStartInfo("bash", ["-c", "sleep 0.01 & echo $!; exec sleep 30"]) { RedirectStandardOutput = true };
        using var parent = Process.Start(parentInfo)!;
        try
        {
            var zombie = int.Parse((await parent.StandardOutput.ReadLineAsync())!);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (State(zombie) != "Z" && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal("Z", State(zombie));

            var data = Directory.CreateTempSubdirectory("cinemasync-cluster-script-").FullName;
            await File.WriteAllTextAsync(Path.Combine(data, "cluster.state"), $"silo {zombie} 11111 30000 8080\nsilo {parent.Id} 11112 30001 8081\n");
            var info = new ProcessStartInfo("bash", [Script, "status"]);
            info.Environment["CINEMASYNC_DATA_DIR"] = data;
            using var status = ChildProcess.Start(info);
            Assert.True(await status.WaitForExitAsync(TimeSpan.FromSeconds(10)), status.Output);

            Assert.Contains($"silo {zombie} 11111 (not running)", status.Output);
            Assert.Contains($"silo {parent.Id} 11112", status.Output);
            Assert.DoesNotContain($"silo {parent.Id} 11112 (not running)", status.Output);
            Assert.Equal(1, status.ExitCode);
            Directory.Delete(data, recursive: true);
        }
        finally
        {
            parent.Kill();
            await parent.WaitForExitAsync();
        }
    }
}

using System.Globalization;

namespace CinemaSync.LoadTest;

/// <summary>
/// Reads a local server process's CPU time and resident set from /proc (Linux), so that the load
/// tester can relate server cost to its own phases: CPU over the command phase, RSS before the
/// joins and with every member joined.
/// </summary>
public static class ServerProbe
{
    private const double ClockTicksPerSecond = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux

    public readonly record struct Sample(double CpuSeconds, long RssKb);

    public static Sample? TryRead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces and parentheses: fields restart after the last ')'.
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // rest[0] is field 3 (state); utime is field 14, stime field 15.
            long utime = long.Parse(rest[11], CultureInfo.InvariantCulture);
            long stime = long.Parse(rest[12], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    break;
                }
            }
            return new Sample((utime + stime) / ClockTicksPerSecond, rss);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

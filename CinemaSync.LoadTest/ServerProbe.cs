using System.Globalization;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// Reads TCP_NODELAY on the server's own end of the established connections on
    /// <paramref name="port"/>: the sockets are found in /proc/PID/net/tcp{,6} and /proc/PID/fd,
    /// duplicated into this process with pidfd_getfd (Linux 5.6+, needs ptrace rights over the
    /// server, e.g. the same user) and queried with getsockopt. Checks at most <paramref name="max"/>.
    /// </summary>
    public static (int Checked, int On, string? Problem) CheckNoDelay(int pid, int port, int max = 256)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0, "not Linux");
        }
        try
        {
            var inodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (string table in new[] { "tcp", "tcp6" })
            {
                string path = $"/proc/{pid}/net/{table}";
                if (!File.Exists(path))
                {
                    continue;
                }
                foreach (string line in File.ReadLines(path).Skip(1))
                {
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.Length < 10 || f[3] != "01")
                    {
                        continue;
                    }
                    string local = f[1];
                    int localPort = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    if (localPort == port)
                    {
                        inodes.Add(f[9]);
                    }
                }
            }
            var fds = new List<int>();
            foreach (string fdPath in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                string? target = new FileInfo(fdPath).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && inodes.Contains(target[8..^1]) && int.TryParse(Path.GetFileName(fdPath), out int fd))
                {
                    fds.Add(fd);
                    if (fds.Count >= max)
                    {
                        break;
                    }
                }
            }
            if (fds.Count == 0)
            {
                return (0, 0, $"no established socket on port {port} in process {pid}");
            }
            int pidfd = (int)Native.syscall(SysPidfdOpen, pid, 0, 0);
            if (pidfd < 0)
            {
                return (0, 0, $"pidfd_open failed (errno {Marshal.GetLastPInvokeError()})");
            }
            int seen = 0, on = 0;
            try
            {
                foreach (int fd in fds)
                {
                    int local = (int)Native.syscall(SysPidfdGetfd, pidfd, fd, 0);
                    if (local < 0)
                    {
                        continue; // closed meanwhile, or no ptrace rights
                    }
                    try
                    {
                        int value = 0;
                        uint length = sizeof(int);
                        if (Native.getsockopt(local, IpProtoTcp, TcpNoDelay, ref value, ref length) == 0)
                        {
                            seen++;
                            if (value != 0)
                            {
                                on++;
                            }
                        }
                    }
                    finally
                    {
                        Native.close(local);
                    }
                }
            }
            finally
            {
                Native.close(pidfd);
            }
            return seen == 0 ? (0, 0, "pidfd_getfd refused (ptrace rights?)") : (seen, on, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or DllNotFoundException or EntryPointNotFoundException)
        {
            return (0, 0, e.Message);
        }
    }

    // Syscall numbers shared by every Linux architecture since the unified table (5.x).
    private const long SysPidfdOpen = 434;
    private const long SysPidfdGetfd = 438;
    private const int IpProtoTcp = 6;
    private const int TcpNoDelay = 1;

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern long syscall(long number, long a, long b, long c);

        [DllImport("libc", SetLastError = true)]
        public static extern int getsockopt(int socket, int level, int option, ref int value, ref uint length);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }
}

using System.Numerics;

namespace CinemaSync.LoadTest;

/// <summary>
/// A lock-free, HDR-like latency histogram over microseconds: exact below 256 µs, then
/// 128 linear sub-buckets per power of two (relative error under 0.8 %). Recording is one
/// Interlocked increment, so every event handler of every connection can record into it.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubCount = 1 << SubBits;          // 128
    private const int BucketCount = (64 - SubBits) * SubCount;

    private readonly long[] _counts = new long[BucketCount];
    private long _total;
    private long _max;
    private long _sumMicros;

    public long Count => Interlocked.Read(ref _total);

    public void RecordMicros(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }
        Interlocked.Increment(ref _counts[IndexOf(micros)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sumMicros, micros);
        long seen = Volatile.Read(ref _max);
        while (micros > seen)
        {
            long prior = Interlocked.CompareExchange(ref _max, micros, seen);
            if (prior == seen)
            {
                break;
            }
            seen = prior;
        }
    }

    public void RecordTicks(long stopwatchTicks) =>
        RecordMicros(stopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency);

    internal static int IndexOf(long micros)
    {
        if (micros < 2 * SubCount)
        {
            return (int)micros;
        }
        int msb = 63 - BitOperations.LeadingZeroCount((ulong)micros);
        int shift = msb - SubBits;
        return ((shift + 1) << SubBits) + (int)((micros >> shift) - SubCount);
    }

    /// <summary>The highest value that lands in bucket <paramref name="index"/>.</summary>
    internal static long HighestOf(int index)
    {
        if (index < 2 * SubCount)
        {
            return index;
        }
        int shift = (index >> SubBits) - 1;
        long sub = (index & (SubCount - 1)) + SubCount;
        return ((sub + 1) << shift) - 1;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), in microseconds, never above the exact max.</summary>
    public long PercentileMicros(double q)
    {
        long total = Count;
        if (total == 0)
        {
            return 0;
        }
        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestOf(i), Volatile.Read(ref _max));
            }
        }
        return Volatile.Read(ref _max);
    }

    public LatencySummary Summarize()
    {
        long count = Count;
        return new LatencySummary(
            P50: Ms(PercentileMicros(0.50)),
            P95: Ms(PercentileMicros(0.95)),
            P99: Ms(PercentileMicros(0.99)),
            Max: Ms(Volatile.Read(ref _max)),
            Mean: count == 0 ? 0 : Math.Round(Interlocked.Read(ref _sumMicros) / 1000.0 / count, 3),
            Count: count);
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>Milliseconds.</summary>
public sealed record LatencySummary(double P50, double P95, double P99, double Max, double Mean, long Count);

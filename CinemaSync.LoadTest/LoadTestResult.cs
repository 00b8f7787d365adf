using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CinemaSync.LoadTest;

/// <summary>What a run measured. Serialized with snake_case names (see <see cref="ToJson"/>).</summary>
public sealed record LoadTestResult
{
    public required LatencySummary DeliveryMs { get; init; }
    public required LatencySummary TimeToLastMemberMs { get; init; }
    public required LatencySummary JoinMs { get; init; }
    public required LatencySummary ConnectMs { get; init; }
    public required LatencySummary SyncRttMs { get; init; }
    /// <summary>playback_updated copies matched to a command of this run.</summary>
    public long Deliveries { get; init; }
    /// <summary>Acknowledged commands × members joined in their room.</summary>
    public long ExpectedDeliveries { get; init; }
    public long Lost { get; init; }
    public long Duplicated { get; init; }
    public long Errors { get; init; }
    /// <summary>Acknowledged (ok) playback commands.</summary>
    public long Commands { get; init; }
    /// <summary>Commands sent later than their schedule by more than one period (the host waits for each ack).</summary>
    public long CommandsLate { get; init; }
    public long ChatMessages { get; init; }
    public long SyncCalls { get; init; }
    /// <summary>Room events (any kind) received by members after their join.</summary>
    public long EventsReceived { get; init; }
    public int Rooms { get; init; }
    /// <summary>All members of all rooms (rooms × members per room).</summary>
    public int Members { get; init; }
    public int MembersPerRoom { get; init; }
    public int JoinedMembers { get; init; }
    public double DurationS { get; init; }
    public double WallS { get; init; }
    /// <summary>The hub protocol the members spoke (<c>json</c> or <c>messagepack</c>).</summary>
    public string Protocol { get; init; } = LoadTestOptions.JsonProtocol;
    public int? ServerPid { get; init; }
    /// <summary>Server CPU seconds (user + system) from the first command to the end of the grace period.</summary>
    public double? ServerCpuS { get; init; }
    public double? ServerCpuUsPerDelivery { get; init; }
    public long? ServerRssKbBaseline { get; init; }
    public long? ServerRssKbLoaded { get; init; }
    /// <summary>(loaded - baseline) / joined members; no GC is forced, so it includes floating garbage.</summary>
    public double? ServerRssKbPerMember { get; init; }
    /// <summary>With --server-pid and --hold: the same after a forced full GC in the server.</summary>
    public ServerAfterGcResult? ServerAfterGc { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorKinds { get; init; }
    public required IReadOnlyList<string> ErrorSamples { get; init; }
    /// <summary>A few of the lost events: which member missed which seq (what kind, when another member got it).</summary>
    public IReadOnlyList<string> LostSamples { get; init; } = [];
    public required string ClientNoDelay { get; init; }
    public required string ServerNoDelay { get; init; }

    public bool Success => Lost == 0 && Duplicated == 0 && Errors == 0 && Deliveries == ExpectedDeliveries;

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToTable()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"rooms {Rooms} × members {MembersPerRoom} = {Members} (joined {JoinedMembers}), duration {DurationS:0.#} s, wall {WallS:0.#} s, protocol {Protocol}");
        sb.AppendLine("latency (ms)              count       p50       p95       p99       max      mean");
        Row(sb, "join (invoke→ack)", JoinMs);
        Row(sb, "connect (ws+handshake)", ConnectMs);
        Row(sb, "delivery (send→member)", DeliveryMs);
        Row(sb, "time to last member", TimeToLastMemberMs);
        Row(sb, "sync_time rtt", SyncRttMs);
        sb.AppendLine(inv, $"commands {Commands} (late {CommandsLate}), chat {ChatMessages}, sync_time {SyncCalls}, events received {EventsReceived}");
        sb.AppendLine(inv, $"deliveries {Deliveries} / expected {ExpectedDeliveries}, lost {Lost}, duplicated {Duplicated}, errors {Errors}");
        foreach (var (kind, count) in ErrorKinds.OrderByDescending(kv => kv.Value))
        {
            sb.AppendLine(inv, $"  error {kind}: {count}");
        }
        foreach (string sample in ErrorSamples)
        {
            sb.AppendLine(inv, $"  e.g. {sample}");
        }
        foreach (string sample in LostSamples)
        {
            sb.AppendLine(inv, $"  lost: {sample}");
        }
        if (ServerPid is not null)
        {
            sb.AppendLine(inv, $"server pid {ServerPid}: cpu {ServerCpuS:0.00} s over the command phase = {ServerCpuUsPerDelivery:0.0} µs per delivery; rss {ServerRssKbBaseline} kB before joins, {ServerRssKbLoaded} kB loaded = {ServerRssKbPerMember:0.0} kB per member");
            if (ServerAfterGc is { } gc)
            {
                sb.AppendLine(gc.Describe());
            }
        }
        sb.AppendLine(ClientNoDelay);
        sb.AppendLine(ServerNoDelay);
        sb.Append(Success ? "RESULT: OK" : "RESULT: FAILED (loss, duplicates or errors)");
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string name, LatencySummary s) =>
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"{name,-24}{s.Count,7}{s.P50,10:0.000}{s.P95,10:0.000}{s.P99,10:0.000}{s.Max,10:0.000}{s.Mean,10:0.000}");
}

/// <summary>
/// RSS and managed heap per joined member after a full GC forced in the server (see
/// <see cref="ServerGc"/>) before the joins and again after the hold.
/// </summary>
public sealed record ServerAfterGcResult
{
    public long? RssKbBaseline { get; init; }
    public long? RssKbLoaded { get; init; }
    public double? RssKbPerMember { get; init; }
    public long? HeapKbBaseline { get; init; }
    public long? HeapKbLoaded { get; init; }
    public double? HeapKbPerMember { get; init; }
    /// <summary>The forced collections as the runtime reported them, e.g. "gen2 #14 (Induced)".</summary>
    public required IReadOnlyList<string> Collections { get; init; }
    public string? Problem { get; init; }

    /// <summary>(after − before) / joined members, in the unit of the samples; null without both samples or members.</summary>
    public static double? PerMember(long? before, long? after, long joined) =>
        before is long b && after is long a && joined > 0 ? Math.Round((a - b) / (double)joined, 2) : null;

    public static ServerAfterGcResult From(ServerGc.Sample? baseline, ServerGc.Sample? loaded, long joined)
    {
        ServerGc.Sample?[] samples = [baseline, loaded];
        return new ServerAfterGcResult
        {
            RssKbBaseline = baseline?.RssKb,
            RssKbLoaded = loaded?.RssKb,
            RssKbPerMember = PerMember(baseline?.RssKb, loaded?.RssKb, joined),
            HeapKbBaseline = baseline?.Gc?.HeapKbAfter,
            HeapKbLoaded = loaded?.Gc?.HeapKbAfter,
            HeapKbPerMember = PerMember(baseline?.Gc?.HeapKbAfter, loaded?.Gc?.HeapKbAfter, joined),
            Collections = [.. samples.Select(s => s?.Gc).OfType<ServerGc.Collection>().Select(c => $"gen2 #{c.GcNumber} ({c.Reason})")],
            Problem = string.Join("; ", samples.Select(s => s?.Problem).OfType<string>()) is { Length: > 0 } p ? p : null,
        };
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"after a forced full GC ({string.Join(", ", Collections)}): rss {RssKbBaseline} kB before joins, {RssKbLoaded} kB loaded = {RssKbPerMember:0.0} kB per member; " +
        $"managed heap {HeapKbBaseline} kB → {HeapKbLoaded} kB = {HeapKbPerMember:0.0} kB per member{(Problem is null ? "" : "; problem: " + Problem)}");
}

using System.Globalization;
using System.Text;

namespace CinemaSync.LoadTest;

/// <summary>What to run. Parsed by hand from the command line (see <see cref="HelpText"/>).</summary>
public sealed class LoadTestOptions
{
    /// <summary>Base URLs of web nodes; members are spread round-robin, REST goes to the first.</summary>
    public List<string> Urls { get; } = [];
    public int Rooms { get; set; } = 10;
    public int Members { get; set; } = 5;
    /// <summary>Playback commands per second per room (sent by each room's host).</summary>
    public double Rate { get; set; } = 1;
    /// <summary>Chat messages per second per room (0 = none).</summary>
    public double ChatRate { get; set; }
    /// <summary>Seconds between two sync_time calls of each member (0 = none).</summary>
    public double SyncInterval { get; set; } = 5;
    /// <summary>Seconds of command traffic, after every member joined.</summary>
    public double Duration { get; set; } = 30;
    /// <summary>Member connections started (connect + join_room) per second, all rooms together.</summary>
    public double JoinRate { get; set; } = 200;
    /// <summary>Seconds to wait after the last command for late deliveries.</summary>
    public double Grace { get; set; } = 3;
    /// <summary>Rooms' settings.max_participants; null = members (at least 2).</summary>
    public int? MaxParticipants { get; set; }
    /// <summary>Extra room settings (a JSON object) merged into POST /api/rooms settings, e.g. {"wait_for_buffering":false}.</summary>
    public Dictionary<string, System.Text.Json.JsonElement> RoomSettings { get; } = [];
    /// <summary>One pre-minted token a line (first R×M used, room-major, host first); null = dev login.</summary>
    public string? TokenFile { get; set; }
    public string? JsonPath { get; set; }
    /// <summary>Concurrent REST calls (dev logins, room creation) and connection stops.</summary>
    public int RestConcurrency { get; set; } = 16;
    /// <summary>Per-call timeout of hub invocations and connection starts, seconds.</summary>
    public double CallTimeout { get; set; } = 30;
    /// <summary>A local server process to sample from /proc (CPU over the command phase, RSS).</summary>
    public int? ServerPid { get; set; }
    /// <summary>Seconds to keep every member connected, idle, after the run (RSS is sampled at its end).</summary>
    public double Hold { get; set; }
    /// <summary>Live progress line on stderr every second.</summary>
    public bool Progress { get; set; } = true;
    /// <summary>The SignalR hub protocol the members speak: <c>json</c> or <c>messagepack</c>.</summary>
    public string Protocol { get; set; } = JsonProtocol;

    public const string JsonProtocol = "json";
    public const string MessagePackProtocol = "messagepack";

    public int TotalMembers => Rooms * Members;
    public int EffectiveMaxParticipants => MaxParticipants ?? Math.Max(2, Members);

    public static string HelpText => """
        CinemaSync.LoadTest: drives R rooms of M members through the CinemaSync SignalR contract
        (REST /api/auth/dev, /api/rooms; hub /hubs/room) and measures fan-out latency and loss.

        usage: dotnet CinemaSync.LoadTest.dll --url http://127.0.0.1:5000 [options]

          --url URL              web node base URL; repeatable, members are spread round-robin
                                 over them, REST calls go to the first (required)
          --rooms R              rooms (default 10)
          --members M            members per room, host included (default 5)
          --rate C               playback commands per second per room, sent by the host,
                                 alternating play/pause with an advancing position (default 1)
          --chat-rate X          chat messages per second per room, senders rotate (default 0)
          --sync-interval S      seconds between sync_time calls of each member, 0 = off (default 5)
          --duration S           seconds of command traffic after all joins (default 30)
          --join-rate J          member connects+joins started per second (default 200)
          --grace S              seconds to wait for late deliveries after the last command (default 3)
          --max-participants N   rooms' settings.max_participants (default: members, at least 2)
          --room-settings JSON   extra room settings merged into POST /api/rooms, e.g.
                                 '{"wait_for_buffering":false}'
          --token-file PATH      pre-minted backend tokens, one a line, room-major, host first
                                 (default: one POST /api/auth/dev per member, each with
                                 its own display name: the server limits dev sign-ins per
                                 name, not per IP, so a default local server takes them all)
          --json PATH            write the result as JSON (snake_case) to PATH
          --server-pid PID       a server process on this machine: report its CPU time over the
                                 command phase (per delivery) and its RSS before the joins and
                                 with all members joined (per member), read from /proc
          --hold S               keep all members connected and idle S seconds after the run,
                                 then sample the server's RSS (default 0)
          --rest-concurrency N   concurrent REST calls (default 16)
          --call-timeout S       timeout of one hub call or connection start (default 30)
          --protocol P           hub protocol of every member: json or messagepack (default json)
          --no-progress          no live progress line on stderr
          -h, --help             this text

        Measured on one Stopwatch clock: join_ms (join_room invoke to ack), delivery_ms (a host's
        update_playback send to each member's playback_updated, the host's own copy included,
        matched by playback_state.version), time_to_last_member_ms (send to the last member's
        copy), sync_rtt_ms; lost = room seq numbers after a member's join that it never got, plus
        expected playback versions never delivered by the end of the grace period; duplicated =
        a seq received twice; errors = failed acks, exceptions, unexpected disconnects.
        Exit code: 0 when nothing was lost, duplicated or failed; 1 otherwise; 2 on bad arguments.
        """;

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> on bad input,
    /// returns null with no error when help was asked.</summary>
    public static LoadTestOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var o = new LoadTestOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{arg} needs a value");
                }
                return args[++i];
            }

            try
            {
                switch (arg)
                {
                    case "-h" or "--help" or "-?":
                        return null;
                    case "--url":
                        o.Urls.Add(Value().TrimEnd('/'));
                        break;
                    case "--rooms":
                        o.Rooms = PositiveInt(arg, Value());
                        break;
                    case "--members":
                        o.Members = PositiveInt(arg, Value());
                        break;
                    case "--rate":
                        o.Rate = NonNegative(arg, Value());
                        break;
                    case "--chat-rate":
                        o.ChatRate = NonNegative(arg, Value());
                        break;
                    case "--sync-interval":
                        o.SyncInterval = NonNegative(arg, Value());
                        break;
                    case "--duration":
                        o.Duration = NonNegative(arg, Value());
                        break;
                    case "--join-rate":
                        o.JoinRate = NonNegative(arg, Value());
                        if (o.JoinRate == 0)
                        {
                            throw new FormatException("--join-rate must be > 0");
                        }
                        break;
                    case "--grace":
                        o.Grace = NonNegative(arg, Value());
                        break;
                    case "--max-participants":
                        o.MaxParticipants = PositiveInt(arg, Value());
                        break;
                    case "--room-settings":
                        try
                        {
                            var extra = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(Value());
                            foreach (var (key, value) in extra ?? [])
                            {
                                o.RoomSettings[key] = value;
                            }
                        }
                        catch (System.Text.Json.JsonException)
                        {
                            throw new FormatException("--room-settings must be a JSON object");
                        }
                        break;
                    case "--token-file":
                        o.TokenFile = Value();
                        break;
                    case "--json":
                        o.JsonPath = Value();
                        break;
                    case "--rest-concurrency":
                        o.RestConcurrency = PositiveInt(arg, Value());
                        break;
                    case "--call-timeout":
                        o.CallTimeout = NonNegative(arg, Value());
                        break;
                    case "--server-pid":
                        o.ServerPid = PositiveInt(arg, Value());
                        break;
                    case "--hold":
                        o.Hold = NonNegative(arg, Value());
                        break;
                    case "--protocol":
                    {
                        string protocol = Value();
                        o.Protocol = protocol is JsonProtocol or MessagePackProtocol
                            ? protocol
                            : throw new FormatException($"--protocol must be {JsonProtocol} or {MessagePackProtocol}, got '{protocol}'");
                        break;
                    }
                    case "--no-progress":
                        o.Progress = false;
                        break;
                    default:
                        throw new FormatException($"unknown option {args[i]}");
                }
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }
        if (o.Urls.Count == 0)
        {
            error = "at least one --url is required";
            return null;
        }
        foreach (string url in o.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
            {
                error = $"--url {url}: not an http(s) URL";
                return null;
            }
        }
        return o;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v
            : throw new FormatException($"{name} must be a positive integer, got '{value}'");

    private static double NonNegative(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
            ? v
            : throw new FormatException($"{name} must be a number >= 0, got '{value}'");

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"rooms={Rooms} members={Members} rate={Rate}/s chat-rate={ChatRate}/s sync-interval={SyncInterval}s ");
        sb.Append(CultureInfo.InvariantCulture,
            $"duration={Duration}s join-rate={JoinRate}/s grace={Grace}s max-participants={EffectiveMaxParticipants} protocol={Protocol} urls={string.Join(",", Urls)}");
        return sb.ToString();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.HubProtocol;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.LoadTest;

/// <summary>
/// The load tester's core: logs members in, creates rooms, joins them at a bounded rate, drives
/// playback/chat/sync_time traffic for the duration, waits a grace period, and accounts every
/// event. Callable in-process (tests) and from <see cref="Program"/>.
/// </summary>
public sealed class LoadTestRunner
{
    private static readonly JsonSerializerOptions RestJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static readonly string[] SeqOnlyEvents =
    [
        UserJoinedEvent.EventName, UserLeftEvent.EventName, NewChatMessageEvent.EventName, NewReactionEvent.EventName,
        RoomUpdatedEvent.EventName, RoomClosedEvent.EventName, HostChangedEvent.EventName, RoleChangedEvent.EventName,
        PresenceChangedEvent.EventName, QueueUpdatedEvent.EventName,
    ];

    private readonly LoadTestOptions _o;
    private readonly TextWriter? _progress;
    private readonly bool _progressInPlace;
    private readonly LatencyHistogram _delivery = new();
    private readonly LatencyHistogram _ttlm = new();
    private readonly LatencyHistogram _join = new();
    private readonly LatencyHistogram _connect = new();
    private readonly LatencyHistogram _syncRtt = new();
    private readonly ConcurrentDictionary<string, long> _errorKinds = new();
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private long _errors;
    private long _commands;
    private long _commandsLate;
    private long _expected;
    private long _chats;
    private long _syncs;
    private long _joined;
    private volatile bool _stopping;
    private volatile string _phase = "init";
    private string? _serverSocketNoDelay;
    private ServerProbe.Sample? _serverBaseline, _serverRunStart, _serverRunEnd, _serverLoaded;
    private ServerGc.Sample? _baselineAfterGc, _loadedAfterGc;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private LoadTestRunner(LoadTestOptions options, TextWriter? progress, bool progressInPlace)
    {
        _o = options;
        _progress = progress;
        _progressInPlace = progressInPlace;
    }

    /// <summary>Runs one load test. <paramref name="progress"/> gets a line a second (null: none).</summary>
    public static Task<LoadTestResult> RunAsync(LoadTestOptions options, CancellationToken cancellationToken,
        TextWriter? progress = null, bool progressInPlace = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Urls.Count == 0)
        {
            throw new ArgumentException("at least one URL is needed", nameof(options));
        }
        return new LoadTestRunner(options, progress, progressInPlace).RunCoreAsync(cancellationToken);
    }

    private async Task<LoadTestResult> RunCoreAsync(CancellationToken ct)
    {
        using var connector = new NoDelayConnector();
        using var rest = connector.CreateHttpClient(_o.Urls[0]);
        using var progressCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var rooms = new RoomRun[_o.Rooms];
        for (int r = 0; r < rooms.Length; r++)
        {
            rooms[r] = new RoomRun(r, _o.Members, (int)Math.Ceiling(_o.Duration * _o.Rate) + 2);
        }
        Task progressTask = _progress is null || !_o.Progress
            ? Task.CompletedTask
            : ProgressLoopAsync(rooms, progressCts.Token);
        long wallStart = Stopwatch.GetTimestamp();
        try
        {
            _phase = "login";
            await LoginAsync(rest, rooms, ct);
            _phase = "rooms";
            await CreateRoomsAsync(rest, rooms, ct);
            _phase = "join";
            _serverBaseline = Probe();
            _baselineAfterGc = await ProbeAfterGcAsync();
            await ConnectAndJoinAsync(connector, rooms, ct);
            _phase = "run";
            _serverRunStart = Probe();
            await DriveAsync(rooms, ct);
            _phase = "grace";
            await GraceAsync(rooms, ct);
            _serverRunEnd = Probe();
            _phase = "final seq";
            await FetchFinalSeqAsync(rest, rooms, ct);
            foreach (var room in rooms)
            {
                room.SeenSeqAtEnd = room.Members.Where(m => m is not null).Select(m => m.MaxSeq).DefaultIfEmpty(0).Max();
            }
            if (_o.Hold > 0)
            {
                _phase = "hold";
                await Task.Delay(TimeSpan.FromSeconds(_o.Hold), ct);
            }
            _serverLoaded = Probe();
            _loadedAfterGc = await ProbeAfterGcAsync();
            _serverSocketNoDelay = CheckServerSockets();
        }
        finally
        {
            _phase = "stop";
            _stopping = true;
            await StopAllAsync(rooms);
            await progressCts.CancelAsync();
            try
            {
                await progressTask;
            }
            catch (OperationCanceledException)
            {
            }
            if (_progressInPlace)
            {
                _progress?.WriteLine();
            }
        }
        string serverNoDelay = await ServerNoDelayAsync(connector, ct);
        return Account(rooms, connector, serverNoDelay, Stopwatch.GetElapsedTime(wallStart).TotalSeconds);
    }

    // ---------------------------------------------------------------- setup

    private async Task LoginAsync(HttpClient rest, RoomRun[] rooms, CancellationToken ct)
    {
        if (_o.TokenFile is not null)
        {
            string[] tokens = (await File.ReadAllLinesAsync(_o.TokenFile, ct))
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[^1])
                .ToArray();
            if (tokens.Length < _o.TotalMembers)
            {
                throw new InvalidOperationException(
                    $"--token-file has {tokens.Length} tokens, {_o.TotalMembers} needed (rooms × members)");
            }
            int i = 0;
            foreach (var room in rooms)
            {
                for (int m = 0; m < _o.Members; m++)
                {
                    room.Members[m] = new MemberRun(room, m, tokens[i], _o.Urls[i % _o.Urls.Count]);
                    i++;
                }
            }
            return;
        }

        var all = new List<(RoomRun Room, int M, int Global)>();
        int g = 0;
        // Each member its own display name, fresh per run: the server limits dev sign-ins per name.
        string run = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        foreach (var room in rooms)
        {
            for (int m = 0; m < _o.Members; m++)
            {
                all.Add((room, m, g++));
            }
        }
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = _o.RestConcurrency, CancellationToken = ct },
            async (item, token) =>
            {
                string name = $"lt-{run}-r{item.Room.Index}-m{item.M}";
                using var response = await rest.PostAsJsonAsync("api/auth/dev", new { display_name = name }, RestJson, token);
                if (!response.IsSuccessStatusCode)
                {
                    string body = await response.Content.ReadAsStringAsync(token);
                    throw new InvalidOperationException(
                        $"POST /api/auth/dev answered {(int)response.StatusCode}: {Trim(body)}{DevLoginHint(response.StatusCode)}");
                }
                var login = await response.Content.ReadFromJsonAsync<DevLoginResponse>(RestJson, token);
                if (string.IsNullOrEmpty(login?.Token))
                {
                    throw new InvalidOperationException("POST /api/auth/dev returned no token");
                }
                item.Room.Members[item.M] = new MemberRun(item.Room, item.M, login.Token, _o.Urls[item.Global % _o.Urls.Count]);
            });
    }

    private async Task CreateRoomsAsync(HttpClient rest, RoomRun[] rooms, CancellationToken ct)
    {
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = _o.RestConcurrency, CancellationToken = ct },
            async (room, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/rooms")
                {
                    Content = JsonContent.Create(new
                    {
                        name = $"loadtest room {room.Index}",
                        is_private = false,
                        movie_source = new { type = "directLink", url = "https://example.com/v.mp4" },
                        settings = RoomSettings(),
                    }, options: RestJson),
                };
                request.Headers.Authorization = new("Bearer", room.Members[0].Token);
                using var response = await rest.SendAsync(request, token);
                string body = await response.Content.ReadAsStringAsync(token);
                if ((int)response.StatusCode != 201)
                {
                    throw new InvalidOperationException($"POST /api/rooms answered {(int)response.StatusCode}: {Trim(body)}");
                }
                using var doc = JsonDocument.Parse(body);
                room.RoomId = doc.RootElement.GetProperty("room_id").GetString()
                    ?? throw new InvalidOperationException("POST /api/rooms returned no room_id");
            });
    }

    private Dictionary<string, object> RoomSettings()
    {
        var settings = new Dictionary<string, object> { ["max_participants"] = _o.EffectiveMaxParticipants };
        foreach (var (key, value) in _o.RoomSettings)
        {
            settings[key] = value;
        }
        return settings;
    }

    private async Task ConnectAndJoinAsync(NoDelayConnector connector, RoomRun[] rooms, CancellationToken ct)
    {
        // Room-major order, host first in each room. Starts are paced at --join-rate; they overlap.
        var tasks = new List<Task>(_o.TotalMembers);
        long start = Stopwatch.GetTimestamp();
        int i = 0;
        foreach (var room in rooms)
        {
            foreach (var member in room.Members)
            {
                var due = TimeSpan.FromSeconds(i / _o.JoinRate);
                var wait = due - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, ct);
                }
                tasks.Add(ConnectAndJoinOneAsync(connector, member, ct));
                i++;
            }
        }
        await Task.WhenAll(tasks);
        foreach (var room in rooms)
        {
            room.JoinedAtStart = room.Members.Count(m => m.Joined);
        }
    }

    private async Task ConnectAndJoinOneAsync(NoDelayConnector connector, MemberRun member, CancellationToken ct)
    {
        try
        {
            var builder = new HubConnectionBuilder();
            if (_o.Protocol == LoadTestOptions.MessagePackProtocol)
            {
                builder.AddJsonShapedMessagePack();
            }
            var connection = builder
                .WithUrl(member.Url + RoomHubNames.Path, o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(member.Token);
                    o.WebSocketFactory = (context, token) => connector.CreateWebSocketAsync(context, member.Token, token);
                })
                .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
                .Build();
            member.Connection = connection;
            connection.On<PlaybackEvent>(PlaybackUpdatedEvent.EventName, e => OnPlayback(member, e));
            foreach (string name in SeqOnlyEvents)
            {
                connection.On<SeqEvent>(name, e =>
                {
                    if (_stopping)
                    {
                        return; // members leaving: presence_changed and the like, not part of the run
                    }
                    member.RecordSeq(e.Seq);
                    member.Room.NoteEvent(e.Seq, name);
                });
            }
            connection.On<SeqEvent>(RoomJoinedEvent.EventName, _ => { });
            // To the host and co-hosts only, unnumbered (contract extensions): nothing to account.
            connection.On<SeqEvent>(MemberStatusMessage.EventName, _ => { });
            connection.On<SeqEvent>(KickedMessage.EventName, _ => Error("kicked", $"{member}: kicked from the room"));
            connection.Closed += ex =>
            {
                if (!_stopping)
                {
                    Error("disconnect", $"{member}: {ex?.GetType().Name} {ex?.Message}");
                }
                return Task.CompletedTask;
            };

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(_o.CallTimeout));
            long t0 = Stopwatch.GetTimestamp();
            await connection.StartAsync(timeout.Token);
            long t1 = Stopwatch.GetTimestamp();
            _connect.RecordTicks(t1 - t0);
            var ack = await connection.InvokeAsync<JoinAck>(RoomHubNames.JoinRoom, new { room_id = member.Room.RoomId }, timeout.Token);
            _join.RecordTicks(Stopwatch.GetTimestamp() - t1);
            if (ack is null || !ack.Ok || ack.Room is null)
            {
                Error("join_refused", $"{member}: {ack?.Describe()}");
                return;
            }
            member.JoinSeq = ack.Room.Seq;
            if (member.Index == 0)
            {
                member.Room.BaseVersion = ack.Room.PlaybackState?.Version ?? 0;
            }
            member.Joined = true;
            Interlocked.Increment(ref _joined);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            Error("join_failed", $"{member}: {e.GetType().Name} {e.Message}");
        }
    }

    // ---------------------------------------------------------------- traffic

    private void OnPlayback(MemberRun member, PlaybackEvent e)
    {
        long now = Stopwatch.GetTimestamp();
        member.RecordSeq(e.Seq);
        var room = member.Room;
        if (e.PlaybackState is null)
        {
            Error("bad_event", $"{member}: playback_updated without playback_state");
            return;
        }
        long slot = e.PlaybackState.Version - room.BaseVersion - 1;
        if (slot < 0 || slot >= room.SendTicks.Length || Volatile.Read(ref room.SendTicks[slot]) == 0)
        {
            Error("unexpected_version", $"{member}: playback_updated version {e.PlaybackState.Version} was not sent by this run");
            return;
        }
        if (!member.MarkVersion((int)slot))
        {
            return; // a repeat; counted through its seq
        }
        long sent = Volatile.Read(ref room.SendTicks[slot]);
        _delivery.RecordTicks(now - sent);
        Volatile.Write(ref room.SeqOfSlot[slot], e.Seq);
        InterlockedMax(ref room.LastArrival[slot], now);
        if (Interlocked.Increment(ref room.Delivered[slot]) == room.JoinedAtStart)
        {
            _ttlm.RecordTicks(Volatile.Read(ref room.LastArrival[slot]) - sent);
        }
    }

    private async Task DriveAsync(RoomRun[] rooms, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        var tasks = new List<Task>();
        foreach (var room in rooms)
        {
            // Spread the rooms' schedules over one period so that they do not all fire together.
            double offset = rooms.Length == 0 ? 0 : (double)room.Index / rooms.Length;
            if (_o.Rate > 0 && room.Members[0].Joined)
            {
                tasks.Add(HostLoopAsync(room, start, offset / _o.Rate, ct));
            }
            if (_o.ChatRate > 0)
            {
                tasks.Add(ChatLoopAsync(room, start, offset / _o.ChatRate, ct));
            }
            if (_o.SyncInterval > 0)
            {
                foreach (var member in room.Members.Where(m => m.Joined))
                {
                    double memberOffset = _o.SyncInterval * ((member.Room.Index * 7919 + member.Index * 104729) % 1000) / 1000.0;
                    tasks.Add(SyncLoopAsync(member, start, memberOffset, ct));
                }
            }
        }
        await Task.WhenAll(tasks);
    }

    /// <summary>
    /// Waits for the k-th tick of a loop paced every <paramref name="period"/> seconds from
    /// <paramref name="offsetS"/>. Not due once the tick falls past the run's duration; late when the
    /// tick was already more than a period behind.
    /// </summary>
    private async Task<(bool Due, bool Late)> WaitForTickAsync(long start, double offsetS, double period, int k, CancellationToken ct)
    {
        double dueS = offsetS + k * period;
        if (dueS >= _o.Duration)
        {
            return (false, false);
        }
        double nowS = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (dueS > nowS)
        {
            await Task.Delay(TimeSpan.FromSeconds(dueS - nowS), ct);
            return (true, false);
        }
        return (true, nowS - dueS > period);
    }

    private async Task HostLoopAsync(RoomRun room, long start, double offsetS, CancellationToken ct)
    {
        var host = room.Members[0];
        var connection = host.Connection!;
        double period = 1.0 / _o.Rate;
        long nextVersion = room.BaseVersion + 1;
        for (int k = 0; ; k++)
        {
            var (due, late) = await WaitForTickAsync(start, offsetS, period, k, ct);
            if (!due)
            {
                break;
            }
            if (late)
            {
                Interlocked.Increment(ref _commandsLate);
            }
            long slot = nextVersion - room.BaseVersion - 1;
            if (slot >= room.SendTicks.Length)
            {
                break;
            }
            double position = Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 3);
            string status = k % 2 == 0 ? PlaybackStatus.Playing : PlaybackStatus.Paused;
            Volatile.Write(ref room.SendTicks[slot], Stopwatch.GetTimestamp());
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(_o.CallTimeout));
                var ack = await connection.InvokeAsync<PlaybackAck>(RoomHubNames.UpdatePlayback,
                    new { room_id = room.RoomId, status, position, rate = 1.0 }, timeout.Token);
                if (ack is null || !ack.Ok || ack.PlaybackState is null)
                {
                    Error("playback_refused", $"{host}: {ack?.Describe()}");
                    // Nothing was broadcast: the next command reuses this slot.
                    Volatile.Write(ref room.SendTicks[slot], 0);
                    continue;
                }
                if (ack.PlaybackState.Version != nextVersion)
                {
                    Error("version_mismatch", $"{host}: expected version {nextVersion}, ack says {ack.PlaybackState.Version}");
                }
                Interlocked.Increment(ref _commands);
                Interlocked.Add(ref _expected, room.JoinedAtStart);
                room.AckedSlots.Add((int)slot);
                nextVersion = ack.PlaybackState.Version + 1;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Unknown whether it was applied: assume it was, so deliveries of it still match.
                Error("playback_failed", $"{host}: {e.GetType().Name} {e.Message}");
                nextVersion++;
            }
        }
    }

    private async Task ChatLoopAsync(RoomRun room, long start, double offsetS, CancellationToken ct)
    {
        var senders = room.Members.Where(m => m.Joined).ToArray();
        if (senders.Length == 0)
        {
            return;
        }
        double period = 1.0 / _o.ChatRate;
        for (int k = 0; ; k++)
        {
            if (!(await WaitForTickAsync(start, offsetS, period, k, ct)).Due)
            {
                break;
            }
            var sender = senders[k % senders.Length];
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(_o.CallTimeout));
                var ack = await sender.Connection!.InvokeAsync<Ack>(RoomHubNames.ChatMessage,
                    new { room_id = room.RoomId, text = $"load test message {k}" }, timeout.Token);
                if (ack is null || !ack.Ok)
                {
                    Error("chat_refused", $"{sender}: {ack?.Describe()}");
                    continue;
                }
                Interlocked.Increment(ref _chats);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Error("chat_failed", $"{sender}: {e.GetType().Name} {e.Message}");
            }
        }
    }

    private async Task SyncLoopAsync(MemberRun member, long start, double offsetS, CancellationToken ct)
    {
        for (int k = 0; ; k++)
        {
            double dueS = offsetS + k * _o.SyncInterval;
            if (dueS >= _o.Duration)
            {
                break;
            }
            double nowS = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (dueS > nowS)
            {
                await Task.Delay(TimeSpan.FromSeconds(dueS - nowS), ct);
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(_o.CallTimeout));
                long t0 = Stopwatch.GetTimestamp();
                var ack = await member.Connection!.InvokeAsync<Ack>(RoomHubNames.SyncTime,
                    new { client_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, timeout.Token);
                _syncRtt.RecordTicks(Stopwatch.GetTimestamp() - t0);
                if (ack is null || !ack.Ok)
                {
                    Error("sync_refused", $"{member}: {ack?.Describe()}");
                    continue;
                }
                Interlocked.Increment(ref _syncs);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Error("sync_failed", $"{member}: {e.GetType().Name} {e.Message}");
            }
        }
    }

    private async Task GraceAsync(RoomRun[] rooms, CancellationToken ct)
    {
        // Wait until every expected playback copy arrived, at most --grace seconds; then a short
        // settle so that events sent right at the end (chat, joins) can land too.
        long start = Stopwatch.GetTimestamp();
        var grace = TimeSpan.FromSeconds(_o.Grace);
        while (Stopwatch.GetElapsedTime(start) < grace)
        {
            if (SumDeliveries(rooms) >= Interlocked.Read(ref _expected))
            {
                break;
            }
            await Task.Delay(20, ct);
        }
        var settle = TimeSpan.FromMilliseconds(Math.Min(200, _o.Grace * 1000));
        var left = grace - Stopwatch.GetElapsedTime(start);
        await Task.Delay(left < settle ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : settle, ct);
    }

    private async Task FetchFinalSeqAsync(HttpClient rest, RoomRun[] rooms, CancellationToken ct)
    {
        // The room's own seq is the reference for the tail; when the server does not answer,
        // the highest seq any member saw is used instead.
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = _o.RestConcurrency, CancellationToken = ct },
            async (room, token) =>
            {
                if (room.RoomId is null)
                {
                    return;
                }
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"api/rooms/{Uri.EscapeDataString(room.RoomId)}");
                    request.Headers.Authorization = new("Bearer", room.Members[0].Token);
                    using var response = await rest.SendAsync(request, token);
                    if (response.IsSuccessStatusCode)
                    {
                        var seq = await response.Content.ReadFromJsonAsync<RoomSeq>(RestJson, token);
                        room.ServerSeq = seq?.Seq;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or JsonException
                    || (e is TaskCanceledException && !token.IsCancellationRequested))
                {
                    // No answer: the highest seq a member saw stands in.
                }
            });
    }

    private async Task StopAllAsync(RoomRun[] rooms)
    {
        var connections = rooms.SelectMany(r => r.Members).Where(m => m?.Connection is not null).Select(m => m.Connection!).ToList();
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) =>
        {
            try
            {
                await c.DisposeAsync();
            }
            catch (Exception)
            {
                // stopping: nothing to report
            }
        });
    }

    private async Task<string> ServerNoDelayAsync(NoDelayConnector connector, CancellationToken ct)
    {
        // The bench relay reports what it read back from its accepted sockets at GET /bench/nodelay.
        // A server without that route is reported on Kestrel's documented default.
        var parts = new List<string>();
        if (_serverSocketNoDelay is not null)
        {
            parts.Add(_serverSocketNoDelay);
        }
        foreach (string url in _o.Urls.Distinct())
        {
            try
            {
                using var http = connector.CreateHttpClient(url);
                http.Timeout = TimeSpan.FromSeconds(5);
                using var response = await http.GetAsync("bench/nodelay", ct);
                if (response.IsSuccessStatusCode)
                {
                    var n = await response.Content.ReadFromJsonAsync<ServerNoDelay>(RestJson, ct);
                    parts.Add($"{url}: {n?.NoDelay}/{n?.Accepted} accepted sockets on (getsockopt on the server)");
                    continue;
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
            }
            if (_serverSocketNoDelay is null)
            {
                parts.Add($"{url}: not exposed (no GET /bench/nodelay, no --server-pid); Kestrel's socket transport sets NoDelay on accepted sockets by default (SocketTransportOptions.NoDelay = true)");
            }
        }
        return "server TCP_NODELAY: " + string.Join("; ", parts);
    }

    private sealed class ServerNoDelay
    {
        public long Accepted { get; set; }
        public long NoDelay { get; set; }
    }

    // ---------------------------------------------------------------- accounting

    private LoadTestResult Account(RoomRun[] rooms, NoDelayConnector connector, string serverNoDelay, double wallS)
    {
        long lost = 0, duplicated = 0, received = 0;
        var lostSamples = new List<string>();
        foreach (var room in rooms)
        {
            // The room's seq when the traffic ended (from the server, else the highest any member
            // had seen by then). Not the highest seen after the stop began: members leaving make
            // the server broadcast presence_changed to those still connected, which the ones already
            // gone cannot get, and those are not losses.
            long finalSeq = room.ServerSeq ?? room.SeenSeqAtEnd;
            int[] acked = [.. room.AckedSlots];
            foreach (var member in room.Members)
            {
                if (member is null || !member.Joined)
                {
                    continue;
                }
                var (gaps, dups, got) = member.CheckSeq(finalSeq);
                if (gaps > 0 && lostSamples.Count < 10)
                {
                    var missing = member.MissingSeqs(finalSeq, 5);
                    lostSamples.Add($"{member}: {gaps} seq missing after join seq {member.JoinSeq} up to {finalSeq}, e.g. " +
                        string.Join(", ", missing.Select(s => $"{s} ({room.EventNameOf(s) ?? "not seen by anyone"})")));
                }
                lost += gaps;
                duplicated += dups;
                received += got;
                foreach (int slot in acked)
                {
                    if (member.HasVersion(slot))
                    {
                        continue;
                    }
                    long seq = room.SeqOfSlot[slot];
                    bool countedAsGap = seq > member.JoinSeq && seq <= finalSeq && member.CountOf(seq) == 0;
                    if (!countedAsGap)
                    {
                        lost++;
                    }
                }
            }
        }
        long deliveries = SumDeliveries(rooms);
        double? cpu = _serverRunStart is { } a && _serverRunEnd is { } b ? Math.Round(b.CpuSeconds - a.CpuSeconds, 3) : null;
        long joined = Interlocked.Read(ref _joined);
        return new LoadTestResult
        {
            Protocol = _o.Protocol,
            ServerPid = _o.ServerPid,
            ServerCpuS = cpu,
            ServerCpuUsPerDelivery = cpu is double c && deliveries > 0 ? Math.Round(c * 1e6 / deliveries, 2) : null,
            ServerRssKbBaseline = _serverBaseline?.RssKb,
            ServerRssKbLoaded = _serverLoaded?.RssKb,
            ServerRssKbPerMember = ServerAfterGcResult.PerMember(_serverBaseline?.RssKb, _serverLoaded?.RssKb, joined),
            ServerAfterGc = _baselineAfterGc is null && _loadedAfterGc is null ? null
                : ServerAfterGcResult.From(_baselineAfterGc, _loadedAfterGc, joined),
            DeliveryMs = _delivery.Summarize(),
            TimeToLastMemberMs = _ttlm.Summarize(),
            JoinMs = _join.Summarize(),
            ConnectMs = _connect.Summarize(),
            SyncRttMs = _syncRtt.Summarize(),
            Deliveries = deliveries,
            ExpectedDeliveries = Interlocked.Read(ref _expected),
            Lost = lost,
            Duplicated = duplicated,
            Errors = Interlocked.Read(ref _errors),
            Commands = Interlocked.Read(ref _commands),
            CommandsLate = Interlocked.Read(ref _commandsLate),
            ChatMessages = Interlocked.Read(ref _chats),
            SyncCalls = Interlocked.Read(ref _syncs),
            EventsReceived = received,
            Rooms = _o.Rooms,
            Members = _o.TotalMembers,
            MembersPerRoom = _o.Members,
            JoinedMembers = (int)Interlocked.Read(ref _joined),
            DurationS = _o.Duration,
            WallS = Math.Round(wallS, 3),
            ErrorKinds = new SortedDictionary<string, long>(_errorKinds),
            ErrorSamples = [.. _errorSamples],
            LostSamples = lostSamples,
            ClientNoDelay = connector.Describe(),
            ServerNoDelay = serverNoDelay,
        };
    }

    /// <summary>With --server-pid: TCP_NODELAY read on the server's own sockets (pidfd_getfd + getsockopt), before the members leave.</summary>
    private string? CheckServerSockets()
    {
        if (_o.ServerPid is not int pid)
        {
            return null;
        }
        var parts = new List<string>();
        foreach (var port in _o.Urls.Select(u => new Uri(u).Port).Distinct())
        {
            var (seen, on, problem) = ServerProbe.CheckNoDelay(pid, port);
            parts.Add(problem is null
                ? $"pid {pid} port {port}: {on}/{seen} established sockets on (read in the server's sockets with pidfd_getfd + getsockopt)"
                : $"pid {pid} port {port}: could not read the server's sockets: {problem}");
        }
        return string.Join("; ", parts);
    }

    private ServerProbe.Sample? Probe() => _o.ServerPid is int pid ? ServerProbe.TryRead(pid) : null;

    /// <summary>
    /// With --server-pid and --hold: a full GC forced in the server, then its RSS, both before the
    /// joins and after the hold (each right after the no-GC sample), so that RSS per member can be
    /// given without floating garbage too.
    /// </summary>
    private async Task<ServerGc.Sample?> ProbeAfterGcAsync()
    {
        if (_o.ServerPid is not int pid || _o.Hold <= 0)
        {
            return null;
        }
        return await ServerGc.CollectAndSampleAsync(pid, TimeSpan.FromSeconds(30));
    }

    private static long SumDeliveries(RoomRun[] rooms)
    {
        long sum = 0;
        foreach (var room in rooms)
        {
            foreach (var member in room.Members)
            {
                if (member is not null)
                {
                    sum += Volatile.Read(ref member.Deliveries);
                }
            }
        }
        return sum;
    }

    private void Error(string kind, string detail)
    {
        Interlocked.Increment(ref _errors);
        _errorKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (_errorSamples.Count < 10)
        {
            _errorSamples.Enqueue($"{kind}: {Trim(detail)}");
        }
    }

    private async Task ProgressLoopAsync(RoomRun[] rooms, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(ct))
        {
            var d = _delivery.Summarize();
            string line = string.Create(CultureInfo.InvariantCulture,
                $"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {_phase,-9} joined {Interlocked.Read(ref _joined)}/{_o.TotalMembers} " +
                $"cmds {Interlocked.Read(ref _commands)} deliveries {SumDeliveries(rooms)}/{Interlocked.Read(ref _expected)} " +
                $"p50 {d.P50:0.00} p99 {d.P99:0.00} max {d.Max:0.00} ms chat {Interlocked.Read(ref _chats)} " +
                $"sync {Interlocked.Read(ref _syncs)} errors {Interlocked.Read(ref _errors)}");
            if (_progressInPlace)
            {
                _progress!.Write("\r" + line.PadRight(140));
            }
            else
            {
                _progress!.WriteLine(line);
            }
            _progress.Flush();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen = Volatile.Read(ref target);
        while (value > seen)
        {
            long prior = Interlocked.CompareExchange(ref target, value, seen);
            if (prior == seen)
            {
                return;
            }
            seen = prior;
        }
    }

    private static string Trim(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private static string DevLoginHint(System.Net.HttpStatusCode status) => status switch
    {
        System.Net.HttpStatusCode.NotFound =>
            " (development sign-in is off on this server: it is on in Development, or with Auth__DevLogin=true outside Production; or pass --token-file)",
        System.Net.HttpStatusCode.TooManyRequests =>
            " (the server's sign-in limit, Auth__LoginRateLimitPerMinute a minute; wait a minute, raise it on the server, or pass --token-file)",
        _ => "",
    };

    // ---------------------------------------------------------------- state

    private sealed class RoomRun(int index, int members, int slots)
    {
        public int Index { get; } = index;
        public string? RoomId { get; set; }
        public MemberRun[] Members { get; } = new MemberRun[members];
        public long BaseVersion { get; set; }
        public int JoinedAtStart { get; set; }
        public long? ServerSeq { get; set; }
        public long SeenSeqAtEnd { get; set; }
        /// <summary>Per command slot (version - base - 1): Stopwatch ticks at send, 0 = not sent.</summary>
        public readonly long[] SendTicks = new long[slots];
        public readonly long[] SeqOfSlot = new long[slots];
        public readonly long[] LastArrival = new long[slots];
        public readonly int[] Delivered = new int[slots];
        public ConcurrentBag<int> AckedSlots { get; } = [];
        private readonly ConcurrentDictionary<long, string> _eventNames = new();

        /// <summary>Which event carried a seq (for the lost samples); playback is known by its slot.</summary>
        public void NoteEvent(long seq, string name) => _eventNames.TryAdd(seq, name);

        public string? EventNameOf(long seq) =>
            _eventNames.TryGetValue(seq, out var name) ? name : SeqOfSlot.Contains(seq) ? PlaybackUpdatedEvent.EventName : null;
    }

    private sealed class MemberRun(RoomRun room, int index, string token, string url)
    {
        private const int MaxTrackedSeq = 1 << 24;
        private readonly Lock _gate = new();
        private byte[] _seqCounts = new byte[64];
        private readonly bool[] _versions = new bool[room.SendTicks.Length];
        private long _maxSeq;
        public long Deliveries;

        public RoomRun Room { get; } = room;
        public int Index { get; } = index;
        public string Token { get; } = token;
        public string Url { get; } = url;
        public HubConnection? Connection { get; set; }
        public volatile bool Joined;
        public long JoinSeq { get; set; } = -1;
        public long MaxSeq
        {
            get
            {
                lock (_gate)
                {
                    return _maxSeq;
                }
            }
        }

        public void RecordSeq(long seq)
        {
            if (seq < 0 || seq >= MaxTrackedSeq)
            {
                return;
            }
            lock (_gate)
            {
                if (seq >= _seqCounts.Length)
                {
                    Array.Resize(ref _seqCounts, (int)Math.Min(MaxTrackedSeq, Math.Max(_seqCounts.Length * 2L, seq + 1)));
                }
                if (_seqCounts[seq] < byte.MaxValue)
                {
                    _seqCounts[seq]++;
                }
                if (seq > _maxSeq)
                {
                    _maxSeq = seq;
                }
            }
        }

        public int CountOf(long seq)
        {
            lock (_gate)
            {
                return seq >= 0 && seq < _seqCounts.Length ? _seqCounts[seq] : 0;
            }
        }

        /// <summary>Marks a command slot delivered; false when it already was.</summary>
        public bool MarkVersion(int slot)
        {
            lock (_gate)
            {
                if (_versions[slot])
                {
                    return false;
                }
                _versions[slot] = true;
            }
            Interlocked.Increment(ref Deliveries);
            return true;
        }

        public bool HasVersion(int slot)
        {
            lock (_gate)
            {
                return _versions[slot];
            }
        }

        /// <summary>Gaps after the join's seq up to <paramref name="finalSeq"/>, repeats anywhere, and events received after the join.</summary>
        public (long Gaps, long Duplicates, long Received) CheckSeq(long finalSeq)
        {
            lock (_gate)
            {
                long gaps = 0, dups = 0, received = 0;
                for (long s = 0; s < _seqCounts.Length; s++)
                {
                    int c = _seqCounts[s];
                    if (c > 1)
                    {
                        dups += c - 1;
                    }
                    if (s > JoinSeq && c > 0)
                    {
                        received++;
                    }
                }
                for (long s = JoinSeq + 1; s <= finalSeq; s++)
                {
                    if (s >= _seqCounts.Length || _seqCounts[s] == 0)
                    {
                        gaps++;
                    }
                }
                return (gaps, dups, received);
            }
        }

        public List<long> MissingSeqs(long finalSeq, int max)
        {
            var missing = new List<long>();
            lock (_gate)
            {
                for (long s = JoinSeq + 1; s <= finalSeq && missing.Count < max; s++)
                {
                    if (s >= _seqCounts.Length || _seqCounts[s] == 0)
                    {
                        missing.Add(s);
                    }
                }
            }
            return missing;
        }

        public override string ToString() => $"room {Room.Index} member {Index}";
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// The real SignalR client, recording every room event it receives. On MessagePack it uses the
/// protocol's default resolver (no CinemaSync code), and its events and acks are turned into JSON
/// trees by <see cref="MessagePackValues"/> so tests compare them with a JSON member's.
/// </summary>
public sealed class RoomClient : IAsyncDisposable
{
    public static readonly string[] EventNames =
    [
        "room_joined", "user_joined", "user_left", "playback_updated", "new_chat_message",
        "new_reaction", "room_updated", "room_closed", "host_changed", "role_changed", "kicked",
        "member_status", "presence_changed", "queue_updated",
    ];

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<(string Name, JsonElement Payload)> _events = [];
    private readonly List<long> _arrivedAt = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public HubConnection Connection { get; }

    /// <summary>True when the connection speaks the MessagePack hub protocol.</summary>
    public bool MessagePack { get; }

    private RoomClient(HubConnection connection, bool messagePack)
    {
        Connection = connection;
        MessagePack = messagePack;
        foreach (var name in EventNames)
        {
            if (messagePack) connection.On<object?>(name, payload => Record(name, MessagePackValues.ToJson(payload)));
            else connection.On<JsonElement>(name, payload => Record(name, payload.Clone()));
        }
    }

    private void Record(string name, JsonElement payload)
    {
        lock (_events)
        {
            _events.Add((name, payload));
            _arrivedAt.Add(System.Diagnostics.Stopwatch.GetTimestamp());
        }
        _arrived.Release();
    }

    public static async Task<RoomClient> ConnectAsync(Uri server, string? token, Action<HttpConnectionOptions>? configure = null,
        bool reconnect = false, Action<IHubConnectionBuilder>? build = null, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder();
        if (reconnect) builder.WithAutomaticReconnect(new QuickRetry());
        // Registered after the builder's JSON protocol, so the connection speaks MessagePack.
        if (messagePack) builder.AddMessagePackProtocol();
        build?.Invoke(builder);
        var connection = builder
            .WithUrl(new Uri(server, "/hubs/room"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                configure?.Invoke(o);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
            .Build();
        var client = new RoomClient(connection, messagePack);
        await connection.StartAsync();
        return client;
    }

    public IReadOnlyList<(string Name, JsonElement Payload)> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    /// <summary>Events with their arrival time (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public IReadOnlyList<(string Name, JsonElement Payload, long At)> TimedEvents
    {
        get { lock (_events) return _events.Select((e, i) => (e.Name, e.Payload, _arrivedAt[i])).ToList(); }
    }

    public IReadOnlyList<JsonElement> EventsNamed(string name) =>
        Events.Where(e => e.Name == name).Select(e => e.Payload).ToList();

    /// <summary>Invokes a hub method with one object argument and returns its ack.</summary>
    public async Task<JsonElement> InvokeAsync(string method, object payload) => MessagePack
        ? MessagePackValues.ToJson(await Connection.InvokeAsync<object?>(method, payload))
        : (await Connection.InvokeAsync<JsonElement>(method, payload)).Clone();

    public async Task<JsonElement> JoinAsync(string roomId, string? password = null)
    {
        var ack = await InvokeAsync("join_room", password is null ? new { room_id = roomId } : new { room_id = roomId, password });
        return ack;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for an event named <paramref name="name"/> that matches; false when none came.</summary>
    public async Task<bool> TryWaitForAsync(string name, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (EventsNamed(name).Any(match)) return true;
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                return EventsNamed(name).Any(match);
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> events named <paramref name="name"/> match.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(string name, int count = 1, Func<JsonElement, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var found = EventsNamed(name).Where(e => match?.Invoke(e) ?? true).ToList();
            if (found.Count >= count) return found;
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} '{name}' events, got {found.Count}. All events: {string.Join(", ", Events.Select(e => e.Name))}");
            }
        }
    }

    /// <summary>The seqs of the room events this client got after its first <c>room_joined</c>, and that join's seq.</summary>
    public (long JoinedAt, IReadOnlyList<long> Seqs) SeqsSinceJoin()
    {
        var events = Events;
        var joined = events.ToList().FindIndex(e => e.Name == "room_joined");
        Assert.True(joined >= 0, "no room_joined");
        var seqs = events.Skip(joined + 1)
            .Where(e => e.Name != "room_joined" && e.Payload.TryGetProperty("seq", out _))
            .Select(e => e.Payload.Long("seq")).ToList();
        return (events[joined].Payload.Long("seq"), seqs);
    }

    /// <summary>Every seq after the join arrived once, in order, with none missing.</summary>
    public void AssertGapFreeSinceJoin(string who)
    {
        var (joinedAt, seqs) = SeqsSinceJoin();
        Assert.True(seqs.SequenceEqual(Enumerable.Range(1, seqs.Count).Select(i => joinedAt + i)),
            $"{who} joined at seq {joinedAt} and then got seqs {string.Join(",", seqs)}");
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    /// <summary>Reconnect every 250 ms for up to 90 s (the default waits 0, 2, 10 and 30 s).</summary>
    private sealed class QuickRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime < TimeSpan.FromSeconds(90) ? TimeSpan.FromMilliseconds(250) : null;
    }
}

public static class JsonAssertions
{
    public static void AssertOk(this JsonElement ack) =>
        Assert.True(ack.GetProperty("ok").GetBoolean(), $"Expected ok ack, got {ack}");

    public static void AssertError(this JsonElement ack, string code)
    {
        Assert.False(ack.GetProperty("ok").GetBoolean(), $"Expected error {code}, got {ack}");
        Assert.Equal(code, ack.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(ack.GetProperty("message").GetString()));
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();
}

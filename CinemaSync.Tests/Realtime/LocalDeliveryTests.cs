using System.Collections.Concurrent;
using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using CinemaSync.Grains.Rooms;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Realtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CinemaSync.Tests.Realtime;

/// <summary>The registry of observers in this process, and the queue a room calls one of them through.</summary>
public sealed class LocalRoomObserversTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private IGrainFactory Grains => fixture.Server.Services.GetRequiredService<IGrainFactory>();
    private ILogger Log => _logs.CreateLogger("local-observers-test");

    /// <summary>What an observer was called with, in order, and on which scheduler each call ran.</summary>
    private sealed class ProbeObserver : IRoomObserver
    {
        public ConcurrentQueue<string> Calls { get; } = new();
        public ConcurrentQueue<TaskScheduler> Schedulers { get; } = new();
        public TaskCompletionSource JoinStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource JoinMayFinish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource JoinFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public HashSet<long> FailOn { get; init; } = [];

        public Task OnRoomEventAsync(RoomEvent roomEvent)
        {
            if (FailOn.Contains(roomEvent.Seq) && roomEvent.Seq % 2 == 0) throw new InvalidOperationException("thrown");
            if (FailOn.Contains(roomEvent.Seq)) return Task.FromException(new InvalidOperationException("faulted"));
            Calls.Enqueue($"event {roomEvent.Seq}");
            return Task.CompletedTask;
        }

        public async Task OnConnectionJoinedAsync(string connectionId, RoomJoinedEvent joined)
        {
            Schedulers.Enqueue(TaskScheduler.Current);
            JoinStarted.TrySetResult();
            await JoinMayFinish.Task;
            Schedulers.Enqueue(TaskScheduler.Current);
            Calls.Enqueue($"joined {connectionId}");
            JoinFinished.TrySetResult();
        }

        public Task OnDirectedAsync(IReadOnlyList<string> connectionIds, RoomMessage message) => Task.CompletedTask;
        public Task OnConnectionRemovedAsync(string connectionId) => Task.CompletedTask;
        public Task OnCatchUpAsync(RoomCatchUp catchUp) => Task.CompletedTask;

        public async Task WaitForAsync(int calls)
        {
            for (var i = 0; i < 500 && Calls.Count < calls; i++) await Task.Delay(10);
            Assert.True(Calls.Count >= calls, $"{Calls.Count} of {calls} calls arrived: {string.Join(", ", Calls)}");
        }
    }

    private static NewReactionEvent Event(long seq) => new() { RoomId = "r", Seq = seq, UserId = "u", Emoji = "👍" };

    private static RoomJoinedEvent Joined() => new()
    {
        RoomId = "r",
        Room = new RoomView
        {
            RoomId = "r", Name = "r", HostId = "u", IsPrivate = false, IsActive = true, CreatedAt = 0,
            MovieSource = new MovieSource(), Settings = new RoomSettings(), Participants = [], PlaybackState = new PlaybackState(),
        },
    };

    private readonly List<IRoomObserver> _references = [];
    private readonly LocalRoomObservers _registry = new();

    private IRoomObserver ReferenceTo(ProbeObserver target)
    {
        var reference = Grains.CreateObjectReference<IRoomObserver>(target);
        _references.Add(reference);
        return reference;
    }

    /// <summary>A reference the registry sends to <paramref name="local"/>; Orleans would send it to <paramref name="referenced"/> (by default the same).</summary>
    private IRoomObserver Registered(ProbeObserver local, ProbeObserver? referenced = null)
    {
        var reference = ReferenceTo(referenced ?? local);
        _registry.Register(reference, local, Log);
        return reference;
    }

    private Task DeliverEvent(IRoomObserver reference, long seq) => _registry.Deliver(reference, n => n.OnRoomEventAsync(Event(seq)));

    private static async Task WaitDeliveredAsync(LocalRoomObserver queue, long calls)
    {
        for (var i = 0; i < 100 && queue.Delivered < calls; i++) await Task.Delay(10);
        Assert.Equal(calls, queue.Delivered);
    }

    public void Dispose()
    {
        foreach (var reference in _references) Grains.DeleteObjectReference<IRoomObserver>(reference);
    }

    [Fact]
    public async Task Deliver_CallsTheRegisteredObserverInOrder_AndOrleansOnlyOnceUnregistered()
    {
        var (local, remote) = (new ProbeObserver(), new ProbeObserver());
        var reference = Registered(local, referenced: remote);
        Assert.True(_registry.TryGet(reference, out var queue));

        for (var seq = 1; seq <= 50; seq++) Assert.True(DeliverEvent(reference, seq).IsCompletedSuccessfully);
        await local.WaitForAsync(50);
        Assert.Equal(Enumerable.Range(1, 50).Select(s => $"event {s}"), local.Calls);
        await WaitDeliveredAsync(queue, 50);

        // Orleans delivers to one object in order: had any of the 50 gone its way, it would come first.
        Assert.True(_registry.Unregister(reference));
        await DeliverEvent(reference, 51);
        await remote.WaitForAsync(1);
        Assert.Equal(["event 51"], remote.Calls);
        Assert.Equal(50, local.Calls.Count);
        Assert.False(_registry.TryGet(reference, out _));
        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public async Task Deliver_MakesTheOrleansCall_WhenTheReferenceIsNotRegistered()
    {
        var other = new ProbeObserver();
        Registered(other);
        var remote = new ProbeObserver();
        var reference = ReferenceTo(remote);

        Assert.False(_registry.TryGet(reference, out _));
        await DeliverEvent(reference, 7);

        await remote.WaitForAsync(1);
        Assert.Equal(["event 7"], remote.Calls);
        Assert.Empty(other.Calls);
    }

    [Fact]
    public async Task Deliver_RunsTheObserverOffTheCallersScheduler_AndFinishesItsAwait_WhileThatSchedulerIsBusy()
    {
        var local = new ProbeObserver();
        var reference = Registered(local);
        // Stands for the room's activation: one turn at a time, and this turn does not end until the join has.
        var grainScheduler = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

        var finishedInTurn = await Task.Factory.StartNew(() =>
        {
            var joined = Joined();
            _ = _registry.Deliver(reference, n => n.OnConnectionJoinedAsync("c1", joined));
            _ = DeliverEvent(reference, 1);
            // The join is suspended in its await before it may go on, so its continuation is scheduled.
            if (!local.JoinStarted.Task.Wait(TimeSpan.FromSeconds(10))) return false;
            local.JoinMayFinish.SetResult();
            return local.JoinFinished.Task.Wait(TimeSpan.FromSeconds(10));
        }, CancellationToken.None, TaskCreationOptions.None, grainScheduler);

        Assert.True(finishedInTurn, "The observer's await continued on the busy caller's scheduler");
        Assert.All(local.Schedulers, s => Assert.Same(TaskScheduler.Default, s));
        await local.WaitForAsync(2);
        Assert.Equal(["joined c1", "event 1"], local.Calls);
    }

    [Fact]
    public async Task Deliver_HoldsTheNextCall_UntilAnAwaitingCallFinishes()
    {
        var local = new ProbeObserver();
        var reference = Registered(local);

        var joined = Joined();
        await _registry.Deliver(reference, n => n.OnConnectionJoinedAsync("c1", joined));
        await DeliverEvent(reference, 1);
        await Task.Delay(100);
        Assert.Empty(local.Calls);

        local.JoinMayFinish.SetResult();
        await local.WaitForAsync(2);
        Assert.Equal(["joined c1", "event 1"], local.Calls);
    }

    [Fact]
    public async Task Deliver_KeepsCallingTheObserverAndLogs_WhenSomeCallsThrowOrFault()
    {
        var local = new ProbeObserver { FailOn = [2, 3] };
        var reference = Registered(local);
        Assert.True(_registry.TryGet(reference, out var queue));

        for (var seq = 1; seq <= 4; seq++) Assert.True(DeliverEvent(reference, seq).IsCompletedSuccessfully);

        await local.WaitForAsync(2);
        Assert.Equal(["event 1", "event 4"], local.Calls);
        await WaitDeliveredAsync(queue, 4);
        Assert.Equal(2, _logs.Lines.Count(l => l.StartsWith("Warning") && l.Contains("failed a call")));
        Assert.True(_registry.TryGet(reference, out var stillThere));
        Assert.Same(queue, stillThere);
    }
}

/// <summary>A co-hosted server's rooms reach its node's observers without an Orleans message.</summary>
public sealed class LocalDeliveryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private LocalRoomObservers Registry => Server.Services.GetRequiredService<LocalRoomObservers>();

    private async Task<LocalRoomObserver> LocalQueueAsync(IRoomObserver reference, long delivered)
    {
        Assert.True(Registry.TryGet(reference, out var queue), "The node's observer is not in its silo's registry");
        for (var i = 0; i < 250 && queue.Delivered < delivered; i++) await Task.Delay(20);
        Assert.True(queue.Delivered >= delivered, $"{queue.Delivered} calls went through the local queue, {delivered} expected");
        return queue;
    }

    [Fact]
    public async Task RoomEvents_ReachEveryMemberOnceInOrderThroughTheLocalQueue_WhenTheRoomIsCoHosted()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        await using var ownedHost = hostClient;
        var (_, ann) = await Server.JoinedUserAsync(roomId, "Ann");
        await using var ownedAnn = ann;
        var (_, bob) = await Server.JoinedUserAsync(roomId, "Bob");
        await using var ownedBob = bob;
        var (_, reference) = GapFreeScenario.ObserverOf(Server, roomId);
        var before = (await LocalQueueAsync(reference, 0)).Delivered;

        string[] chats = ["one", "two", "three", "four", "five"];
        foreach (var text in chats) await GapFreeScenario.ChatAsync(hostClient, roomId, text);

        await GapFreeScenario.AssertChatsOnceInOrderAsync(chats, ("host", hostClient), ("ann", ann), ("bob", bob));
        await LocalQueueAsync(reference, before + chats.Length);
        Assert.True(await PrometheusScrape.SumAsync(Server.Http, "cinemasync_node_local_deliveries_total") >= chats.Length);
    }

    [Fact]
    public async Task Observer_LeavesTheLocalRegistry_WhenTheNodeDropsItsSubscription()
    {
        var (roomId, _, hostClient) = await Server.HostedRoomAsync();
        var (_, reference) = GapFreeScenario.ObserverOf(Server, roomId);
        await LocalQueueAsync(reference, 1);

        await hostClient.DisposeAsync();
        var connections = Server.Services.GetRequiredService<LocalConnections>();
        for (var i = 0; i < 250 && connections.In(roomId).Length > 0; i++) await Task.Delay(20);
        Assert.Empty(connections.In(roomId));
        var subscriptions = Server.Services.GetRequiredService<RoomSubscriptions>();
        // Idle at the first re-subscription, dropped at the next.
        await subscriptions.RefreshAsync(CancellationToken.None);
        await subscriptions.RefreshAsync(CancellationToken.None);

        Assert.Null(subscriptions.ObserverOf(roomId));
        Assert.False(Registry.TryGet(reference, out _));
    }
}

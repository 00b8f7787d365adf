using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Rooms;

/// <summary>
/// Random command sequences from several members on two web nodes, with time passing: after every
/// step the room has exactly one host while anyone is in it, event seqs and playback versions only go
/// up, a refusal changed nothing, a tick leaves nothing due; and replaying the accepted changes (also
/// after a JSON round trip) rebuilds the live room.
/// </summary>
public sealed class RoomCorePropertyTests(ITestOutputHelper output)
{
    private const int Sequences = 300;
    private const int Steps = 80;
    private static readonly string[] Users = ["host", "u1", "u2", "u3"];
    private static readonly string[] Nodes = ["n0", "n1"];
    private static readonly long[] Waits = [0, 10, 400, 1_500, 6_000, 31_000, 50_000, 61_000];

    [Fact]
    public void RandomCommandSequences_KeepTheInvariants_AndReplayToTheLiveRoom()
    {
        var accepted = 0;
        for (var seed = 1; seed <= Sequences; seed++)
        {
            var random = new Random(seed);
            var room = new RoomHarness(new RoomGrainOptions { MaxQueueLength = 4, MaxBans = 2, MaxPendingInvites = 2 });
            room.Create(isPrivate: random.Next(3) == 0, settings: new RoomSettings { BufferTimeoutMs = 1000, HostGraceMs = 5000, MaxParticipants = 4 });
            var connections = new List<(string ConnectionId, string UserId, string Node)>();
            long lastVersion = -1;
            for (var step = 0; step < Steps; step++)
            {
                var eventsBefore = room.Events.Count;
                try
                {
                    Step(room, random, connections);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"seed {seed}, step {step}: {e}");
                }
                CheckInvariants(room, eventsBefore, ref lastVersion, $"seed {seed}, step {step}");
            }
            room.AssertReplays();
            AssertJsonReplays(room);
            accepted += room.Accepted.Count;
        }
        output.WriteLine($"{Sequences} sequences of {Steps} steps: {accepted} accepted changes replayed");
    }

    private static void Step(RoomHarness room, Random random, List<(string ConnectionId, string UserId, string Node)> connections)
    {
        string AnyUser() => Users[random.Next(Users.Length)];
        string AnyConnection() => connections.Count == 0 || random.Next(8) == 0 ? "unknown" : connections[random.Next(connections.Count)].ConnectionId;
        var user = AnyUser();
        var target = AnyUser();
        switch (random.Next(27))
        {
            case 0 or 1 or 2:
                var connectionId = random.Next(4) == 0 ? null : room.NextId();
                var node = Nodes[random.Next(Nodes.Length)];
                if (connectionId is not null) connections.Add((connectionId, user, node));
                room.Run(new JoinRoom(RoomHarness.User(user), connectionId, connectionId is null ? null : node, Invited: random.Next(2) == 0));
                break;
            case 3:
                room.Run(new LeaveRoom(user));
                break;
            case 4 or 5:
                room.Run(new Disconnect(AnyConnection()));
                break;
            case 6:
                var subscribing = Nodes[random.Next(Nodes.Length)];
                var listed = connections.Where(c => c.Node == subscribing && random.Next(4) != 0)
                    .Select(c => new LocalConnection { ConnectionId = c.ConnectionId, UserId = c.UserId }).ToList();
                room.Run(new Subscribe(subscribing, listed));
                break;
            case 7 or 8 or 9:
                var version = room.Core.State.Playback.Version;
                room.Run(new UpdatePlayback(user, new PlaybackCommand
                {
                    Status = random.Next(2) == 0 ? PlaybackStatus.Playing : PlaybackStatus.Paused,
                    Position = random.Next(10) == 0 ? -1 : random.Next(0, 600),
                    Rate = random.Next(3) == 0 ? 1.5 : null,
                    BaseVersion = random.Next(3) switch { 0 => null, 1 => version, _ => version - 1 },
                }));
                break;
            case 10:
                room.Run(new SendChat(user, random.Next(6) == 0 ? " " : "hello " + random.Next(100), room.NextId()));
                break;
            case 11:
                room.Run(new React(user, "👍"));
                break;
            case 12:
                room.Run(new SetVideo(user, RoomHarness.Video with { DurationMs = random.Next(2) == 0 ? random.Next(500, 5_000) : null }));
                break;
            case 13:
                if (random.Next(10) == 0) room.Run(new CloseRoom(user));
                break;
            case 14:
                room.Run(new ReportRtt(AnyConnection(), random.Next(0, 700)));
                break;
            case 15 or 16 or 17:
                var state = new[] { MemberStates.Buffering, MemberStates.Ready, MemberStates.Ended }[random.Next(3)];
                room.Run(new ReportStatus(user, new StatusReport { State = state, Position = random.Next(0, 600), RttMs = random.Next(2) == 0 ? random.Next(10, 300) : null }));
                break;
            case 18:
                room.Run(new SetRole(user, target, random.Next(2) == 0 ? ParticipantRoles.CoHost : ParticipantRoles.Member));
                break;
            case 19:
                room.Run(new TransferHost(user, target));
                break;
            case 20:
                room.Run(new Kick(user, random.Next(5) == 0 ? "outsider" + random.Next(3) : target, Ban: random.Next(2) == 0));
                break;
            case 21:
                room.Run(new UpdateSettings(user, new SettingsPatch
                {
                    WaitForBuffering = random.Next(3) == 0 ? random.Next(2) == 0 : null,
                    MaxParticipants = random.Next(4) == 0 ? random.Next(1, 6) : null,
                    ChatEnabled = random.Next(4) == 0 ? random.Next(2) == 0 : null,
                }));
                break;
            case 22:
                room.Run(new QueueAdd(user, random.Next(6) == 0 ? new MovieSource() : RoomHarness.Video with { DurationMs = random.Next(2) == 0 ? random.Next(500, 5_000) : null }, null, room.NextId()));
                break;
            case 23:
                var queue = room.Core.State.Queue;
                var itemId = queue.Count > 0 && random.Next(4) != 0 ? queue[random.Next(queue.Count)].ItemId : "missing";
                if (random.Next(2) == 0) room.Run(new QueueRemove(user, itemId));
                else room.Run(new QueueMove(user, itemId, random.Next(-1, 5)));
                break;
            case 24:
                room.Run(new PlayNext(user));
                break;
            case 25:
                if (random.Next(2) == 0) room.Run(new RecordInvite(user, room.Now + random.Next(1_000, 100_000)));
                else if (room.Run(new BeginPasswordCheck(user)).Result.Value is not null) room.Run(new FinishPasswordCheck(user, random.Next(2) == 0));
                break;
            default:
                room.Advance(Waits[random.Next(Waits.Length)]);
                room.Tick();
                break;
        }
    }

    private static void CheckInvariants(RoomHarness room, int eventsBefore, ref long lastVersion, string where)
    {
        var state = room.Core.State;
        if (state.Participants.Count > 0)
        {
            var hosts = state.Participants.Where(p => p.Role == ParticipantRoles.Host).Select(p => p.UserId).ToList();
            Assert.True(hosts.Count == 1 && hosts[0] == state.HostId, $"{where}: hosts [{string.Join(",", hosts)}], host_id {state.HostId}");
        }
        for (var i = Math.Max(1, eventsBefore); i < room.Events.Count; i++)
            Assert.True(room.Events[i].Seq == room.Events[i - 1].Seq + 1, $"{where}: seq {room.Events[i].Seq} after {room.Events[i - 1].Seq}");
        if (room.Events.Count > 0) Assert.Equal(state.Seq, room.Events[^1].Seq);
        foreach (var update in room.Events.Skip(eventsBefore).OfType<PlaybackUpdatedEvent>())
        {
            Assert.True(update.PlaybackState.Version > lastVersion, $"{where}: version {update.PlaybackState.Version} after {lastVersion}");
            lastVersion = update.PlaybackState.Version;
        }
        Assert.True(state.Playback.Version >= lastVersion, $"{where}: the room's version went back");
    }

    private static void AssertJsonReplays(RoomHarness room)
    {
        var json = JsonSerializer.Serialize<IReadOnlyList<RoomChange>>(room.Accepted, GrainStateJson.Options);
        var read = JsonSerializer.Deserialize<IReadOnlyList<RoomChange>>(json, GrainStateJson.Options)!;
        var replay = new RoomCore(RoomHarness.RoomId, room.Options);
        foreach (var change in read) replay.Apply(change);
        Assert.Equal(RoomHarness.Describe(room.Core), RoomHarness.Describe(replay));
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Rooms;

/// <summary>
/// One <see cref="RoomCore"/> on a manual clock (epoch ms moved by hand), recording every accepted
/// change, event and notice, with checks that a refusal changes nothing and that replaying the
/// accepted changes rebuilds the room.
/// </summary>
internal sealed class RoomHarness
{
    public const string RoomId = "room-1";
    public static readonly MovieSource Video = new() { Type = MovieSourceTypes.DirectLink, Url = "https://v.test/m.mp4" };

    public RoomHarness(RoomGrainOptions? options = null)
    {
        Options = options ?? new RoomGrainOptions();
        Core = new RoomCore(RoomId, Options);
    }

    public RoomGrainOptions Options { get; }
    public RoomCore Core { get; }
    public long Now { get; private set; } = 1_700_000_000_000;
    public List<RoomChange> Accepted { get; } = [];
    public List<RoomEvent> Events { get; } = [];
    public List<RoomNotice> Notices { get; } = [];
    private int _ids;

    public static Actor User(string id) => new() { UserId = id, DisplayName = "Name of " + id };

    public void Advance(long ms) => Now += ms;

    public Decision<T> Run<T>(RoomCommand<T> command)
    {
        var before = Describe(Core);
        var decision = Core.Decide(command, Now);
        if (!decision.Result.IsOk) Assert.Equal(before, Describe(Core));
        Record(decision);
        return decision;
    }

    public T Ok<T>(RoomCommand<T> command)
    {
        var decision = Run(command);
        Assert.True(decision.Result.IsOk, $"{command.GetType().Name}: {decision.Result.Error} {decision.Result.Message}");
        return decision.Result.Value!;
    }

    public RoomResult<T> Refused<T>(RoomCommand<T> command, string error)
    {
        var decision = Run(command);
        Assert.Equal(error, decision.Result.Error);
        Assert.Empty(decision.Changes);
        return decision.Result;
    }

    public Decision<Done> Tick()
    {
        var decision = Core.Tick(Now);
        Record(decision);
        Assert.True(decision.NextDue is null || decision.NextDue > Now, $"a tick at {Now} left work due at {decision.NextDue}");
        return decision;
    }

    private void Record<T>(Decision<T> decision)
    {
        Accepted.AddRange(decision.Changes);
        Events.AddRange(decision.Events);
        Notices.AddRange(decision.Notices);
    }

    public RoomView View => Core.View(Now);

    public ParticipantView Participant(string userId) => View.Participants.Single(p => p.UserId == userId);

    public List<T> EventsOf<T>() where T : RoomEvent => Events.OfType<T>().ToList();

    public string NextId() => $"id-{++_ids}";

    public RoomView Create(string host = "host", bool isPrivate = false, MovieSource? video = null, RoomSettings? settings = null) =>
        Ok(new CreateRoom(new CreateRoomCommand
        {
            Host = User(host),
            Name = "Movie night",
            IsPrivate = isPrivate,
            Password = isPrivate ? "pw" : null,
            MovieSource = video ?? Video,
            Settings = settings ?? new RoomSettings(),
        }, password => "hash:" + password));

    /// <summary>A hub join (a connection on <paramref name="node"/>) or, with no connection, a REST join.</summary>
    public JoinReply Join(string userId, string? connectionId = null, string node = "node-a", bool invited = false) =>
        Ok(new JoinRoom(User(userId), connectionId, connectionId is null ? null : node, invited));

    public static string Describe(RoomCore core) => GrainStateJson.Serialize(core.State) + "\n" + core.Presence.Describe();

    /// <summary>Replaying every accepted change on an empty room gives this room; the durable ones alone give its stored state.</summary>
    public void AssertReplays()
    {
        var replay = new RoomCore(RoomId, Options);
        foreach (var change in Accepted) replay.Apply(change);
        Assert.Equal(Describe(Core), Describe(replay));

        var durable = new RoomCore(RoomId, Options);
        foreach (var change in Accepted.OfType<DurableChange>()) durable.Apply(change);
        Assert.Equal(GrainStateJson.Serialize(Core.State), GrainStateJson.Serialize(durable.State));
    }
}

using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Rooms;

/// <summary>The room state's participant lookup by user id (an index over the join-ordered list).</summary>
public sealed class RoomStateTests
{
    private static ParticipantState Member(string id) => new() { UserId = id, DisplayName = "Name of " + id };

    [Fact]
    public void Participant_FollowsTheList_WhenMembersAreAddedRemovedOrTheListIsReplaced()
    {
        var state = new RoomState { Participants = [Member("a"), Member("b")] };
        Assert.Equal("b", state.Participant("b")?.UserId);

        state.AddParticipant(Member("c"));
        state.RemoveParticipant("a");
        state.RemoveParticipant("nobody");

        Assert.Null(state.Participant("a"));
        Assert.Same(state.Participants[1], state.Participant("c"));
        Assert.Equal(["b", "c"], state.Participants.Select(p => p.UserId));
        state.Participants = [Member("d")];
        Assert.Null(state.Participant("b"));
        Assert.Equal("d", state.Participant("d")?.UserId);
    }

    [Fact]
    public void Participant_FindsMembers_WhenTheStateIsReadBackFromJson()
    {
        var state = new RoomState();
        state.AddParticipant(Member("a"));
        state.AddParticipant(Member("b"));

        var json = GrainStateJson.Serialize(state);
        var back = GrainStateJson.Deserialize<RoomState>(json);

        Assert.DoesNotContain("by_user", json);
        Assert.Equal(["a", "b"], back.Participants.Select(p => p.UserId));
        Assert.Equal("b", back.Participant("b")?.UserId);
        Assert.Null(back.Participant("c"));
    }
}

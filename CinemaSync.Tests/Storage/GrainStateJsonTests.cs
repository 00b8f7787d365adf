using CinemaSync.Grains.Storage;

namespace CinemaSync.Tests.Storage;

public sealed class GrainStateJsonTests
{
    public sealed class AwkwardState
    {
        public AwkwardState()
        {
        }

        public AwkwardState(string owner) => Owner = owner;

        public string Owner { get; private set; } = string.Empty;
        public List<string> Members { get; } = [];
        public Dictionary<string, long> Scores { get; } = new(StringComparer.Ordinal);
        public AwkwardSettings Settings { get; } = new();
        public int MemberCount => Members.Count;
        public string PublicField = "field-default";
    }

    public sealed class AwkwardSettings
    {
        public bool Autoplay { get; set; }
    }

    [Fact]
    public void Deserialize_KeepsEveryProperty_WhenStateHasPrivateSettersAndGetOnlyCollections()
    {
        var state = new AwkwardState("user-1") { PublicField = "changed" };
        state.Members.Add("user-1");
        state.Scores["user-1"] = 7;
        state.Settings.Autoplay = true;

        var json = GrainStateJson.Serialize(state);
        var back = GrainStateJson.Deserialize<AwkwardState>(json);

        Assert.Equal("user-1", back.Owner);
        Assert.Equal(["user-1"], back.Members);
        Assert.Equal(7, back.Scores["user-1"]);
        Assert.True(back.Settings.Autoplay);
        Assert.Equal("changed", back.PublicField);
        Assert.Equal(1, back.MemberCount);
        Assert.Contains("\"member_count\":1", json);
    }

    [Fact]
    public void Serialize_UsesSnakeCaseAndKeepsDictionaryKeys_WhenStateIsWritten()
    {
        var json = GrainStateJson.Serialize(new ContractState { HostId = "h", Status = ContractStatus.BufferingAhead, Reactions = { ["UserOne"] = [1] } });

        Assert.Contains("\"host_id\":\"h\"", json);
        Assert.Contains("\"status\":\"buffering_ahead\"", json);
        Assert.Contains("\"UserOne\":[1]", json);
    }

    [Fact]
    public void Deserialize_ReadsNumericEnum_WhenOlderDocumentStoredNumbers()
        => Assert.Equal(ContractStatus.Playing, GrainStateJson.Deserialize<ContractState>("{\"status\":1}").Status);

    [Fact]
    public void Deserialize_ReturnsDefaults_WhenDocumentIsNull()
        => Assert.Equal("dark", GrainStateJson.Deserialize<ContractState>("null").Theme);
}

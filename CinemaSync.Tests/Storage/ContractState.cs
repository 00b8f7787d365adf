namespace CinemaSync.Tests.Storage;

/// <summary>A room-like state used by the storage contract tests.</summary>
public sealed class ContractState
{
    public string Name { get; set; } = string.Empty;
    public string HostId { get; set; } = string.Empty;
    public bool IsActive { get; set; }
    public long PositionMs { get; set; }
    public long BigNumber { get; set; }
    public double PlaybackRate { get; set; } = 1.0;
    public double Ratio { get; set; }
    public int? MaxMembers { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public ContractStatus Status { get; set; } = ContractStatus.Paused;
    public List<string> Members { get; set; } = [];
    public Dictionary<string, ContractMember> MembersById { get; set; } = new(StringComparer.Ordinal);
    public List<ContractChat> Chat { get; set; } = [];
    public Dictionary<string, List<int>> Reactions { get; set; } = new(StringComparer.Ordinal);
    public List<double> Samples { get; set; } = [];

    /// <summary>Added "later": absent from the hand-written old document, so it must keep this default.</summary>
    public string Theme { get; set; } = "dark";

    /// <summary>Added "later", with a non-trivial initializer.</summary>
    public List<string> Tags { get; set; } = ["default-tag"];
}

public enum ContractStatus
{
    Paused,
    Playing,
    BufferingAhead,
}

public sealed class ContractMember
{
    public string DisplayName { get; set; } = string.Empty;
    public bool IsHost { get; set; }
    public long JoinedAtMs { get; set; }
    public string? AvatarUrl { get; set; }
}

public sealed class ContractChat
{
    public string Id { get; set; } = string.Empty;
    public string UserId { get; set; } = string.Empty;
    public string Text { get; set; } = string.Empty;
    public long SentAtMs { get; set; }
}

internal static class ContractStates
{
    public const string Unicode = "مرحبا بالعالم — שלום 🎬🍿👩‍👩‍👧 café ñ 日本語 \"quoted\" back\\slash tab\t new\nline";

    public static ContractState Rich() => new()
    {
        Name = "Movie night " + Unicode,
        HostId = "user-1",
        IsActive = true,
        PositionMs = 42_000,
        BigNumber = long.MaxValue - 7,
        PlaybackRate = 1.25,
        Ratio = 0.1 + 0.2,
        MaxMembers = null,
        StartedAt = new DateTimeOffset(2026, 11, 24, 6, 0, 0, 123, TimeSpan.Zero),
        Status = ContractStatus.BufferingAhead,
        Members = ["user-1", "user-2", "مستخدم-٣"],
        MembersById = new(StringComparer.Ordinal)
        {
            ["user-1"] = new() { DisplayName = "Host 🎥", IsHost = true, JoinedAtMs = 1_700_000_000_000, AvatarUrl = "https://example.test/a.png" },
            ["user-2"] = new() { DisplayName = "Guest", JoinedAtMs = 1_700_000_000_500, AvatarUrl = null },
            ["مستخدم-٣"] = new() { DisplayName = "ضيف", JoinedAtMs = -1 },
        },
        Chat =
        [
            new() { Id = "m1", UserId = "user-1", Text = Unicode, SentAtMs = 1_700_000_001_000 },
            new() { Id = "m2", UserId = "user-2", Text = "", SentAtMs = 0 },
        ],
        Reactions = new(StringComparer.Ordinal) { ["🔥"] = [1, 2, 3], ["empty"] = [] },
        Samples = [1e300, -1e-300, double.MaxValue, double.MinValue, double.Epsilon, 2.5, 3.0, -7, 1.0 / 3, double.NaN, double.PositiveInfinity, int.MaxValue + 1.0, 9007199254740993.0],
        Theme = "light",
        Tags = [],
    };

    /// <summary>About 1 MB of JSON.</summary>
    public static ContractState Large()
    {
        var state = Rich();
        state.Chat = Enumerable.Range(0, 4_000)
            .Select(i => new ContractChat
            {
                Id = $"m{i}",
                UserId = $"user-{i % 17}",
                Text = $"{i}: " + new string('x', 180) + " 🎬 שלום",
                SentAtMs = 1_700_000_000_000 + i,
            })
            .ToList();
        return state;
    }
}

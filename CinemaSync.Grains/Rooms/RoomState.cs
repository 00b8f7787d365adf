using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms;

/// <summary>What a room persists: the room core's stored state. Connections are not here: web nodes re-announce them.</summary>
[GenerateSerializer]
internal sealed class RoomState
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public string HostId { get; set; } = "";
    [Id(2)] public bool IsPrivate { get; set; }
    [Id(3)] public string? PasswordHash { get; set; }
    [Id(4)] public bool IsActive { get; set; }
    [Id(5)] public long CreatedAt { get; set; }
    [Id(6)] public MovieSource MovieSource { get; set; } = new();
    [Id(7)] public RoomSettings Settings { get; set; } = new();
    /// <summary>In join order: the first is the longest present. Changed only through <see cref="AddParticipant"/> and <see cref="RemoveParticipant"/>.</summary>
    [Id(8)]
    public List<ParticipantState> Participants
    {
        get => _participants;
        set => (_participants, _byUser) = (value, null);
    }

    [NonSerialized] private List<ParticipantState> _participants = [];

    /// <summary>
    /// The participants by user id, built at the first lookup: a lookup is asked several times per
    /// command (and once per connection of a re-subscribing node), so it must not scan the room.
    /// </summary>
    [NonSerialized] private Dictionary<string, ParticipantState>? _byUser;
    [Id(9)] public PlaybackState Playback { get; set; } = new();
    [Id(10)] public long Seq { get; set; }
    // Id 11 held a copy of the last chat messages; chat history is read from the journal. Not reused.
    [Id(12)] public long LastActivityAt { get; set; }
    /// <summary>User ids that may never rejoin.</summary>
    [Id(13)] public List<string> Banned { get; set; } = [];
    [Id(14)] public List<QueueItem> Queue { get; set; } = [];
    /// <summary>When the invites handed out expire (epoch ms); expired ones are dropped at the next invite.</summary>
    [Id(15)] public List<long> InviteExpiries { get; set; } = [];
    /// <summary>Members' own subtitle tracks, kept when they leave (bounded by <see cref="SubtitleValues.MaxRememberedChoices"/>).</summary>
    [Id(16)] public List<MemberSubtitle> SubtitleChoices { get; set; } = [];
    /// <summary>
    /// The room's seq when it was converted from a whole-state document stored before the journal
    /// (0: the room was created with the journal). Journal entries at or below it are that document's
    /// chat copied in, not the room's events, so no resume reaches back to them.
    /// </summary>
    [Id(17)] public long ConvertedAtSeq { get; set; }

    public bool Exists => CreatedAt > 0;

    public ParticipantState? Participant(string userId) => ByUser.GetValueOrDefault(userId);

    public void AddParticipant(ParticipantState participant)
    {
        _participants.Add(participant);
        ByUser[participant.UserId] = participant;
    }

    public void RemoveParticipant(string userId)
    {
        if (ByUser.Remove(userId, out var participant)) _participants.Remove(participant);
    }

    private Dictionary<string, ParticipantState> ByUser => _byUser ??= Index(_participants);

    private static Dictionary<string, ParticipantState> Index(List<ParticipantState> participants)
    {
        var byUser = new Dictionary<string, ParticipantState>(participants.Count, StringComparer.Ordinal);
        foreach (var p in participants) byUser.TryAdd(p.UserId, p);
        return byUser;
    }
}

[GenerateSerializer]
internal sealed class ParticipantState
{
    [Id(0)] public string UserId { get; set; } = "";
    [Id(1)] public string DisplayName { get; set; } = "";
    [Id(2)] public string Role { get; set; } = ParticipantRoles.Member;
    [Id(3)] public long JoinedAt { get; set; }
}

/// <summary>A member's own subtitle track; <see cref="TrackId"/> null: none.</summary>
[GenerateSerializer]
internal sealed record MemberSubtitle([property: Id(0)] string UserId, [property: Id(1)] string? TrackId);

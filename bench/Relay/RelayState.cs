using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace CinemaSync.Bench.Relay;

/// <summary>Everything the relay remembers: rooms in a dictionary, nothing persisted.</summary>
public sealed class RelayState
{
    private readonly ConcurrentDictionary<string, RelayRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public RelayRoom CreateRoom(string hostId, string name, bool isPrivate, JsonElement movieSource, JsonElement settings, int maxParticipants)
    {
        while (true)
        {
            var room = new RelayRoom(NewId(8), name, hostId, isPrivate, movieSource, settings, maxParticipants);
            room.Participants.Add(new Participant(hostId, DisplayName(hostId), "host", false));
            if (_rooms.TryAdd(room.RoomId, room))
            {
                return room;
            }
        }
    }

    public RelayRoom? Find(string? roomId) => roomId is not null && _rooms.TryGetValue(roomId, out var room) ? room : null;

    public void Remember(string userId, string displayName) => _names[userId] = displayName;

    public string DisplayName(string userId) => _names.TryGetValue(userId, out var name) ? name : userId;

    public static string NewId(int length)
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        return string.Create(length, 0, (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

/// <summary>
/// Deliberate faults, for testing that the load tester sees them: every DropEvery-th
/// playback_updated of a room skips the room's last joined connection, every DuplicateEvery-th
/// is sent twice. Off (0) unless configured (<c>--Relay:DropEvery N</c>, <c>--Relay:DuplicateEvery N</c>).
/// </summary>
public sealed record RelayFaults(int DropEvery, int DuplicateEvery);

/// <summary>One room: seq and playback version move under <see cref="Gate"/>, broadcasts start inside it.</summary>
public sealed class RelayRoom(string roomId, string name, string hostId, bool isPrivate, JsonElement movieSource, JsonElement settings, int maxParticipants)
{
    public Lock Gate { get; } = new();
    public string RoomId { get; } = roomId;
    public string Group { get; } = "room:" + roomId;
    public string Name { get; } = name;
    public string HostId { get; } = hostId;
    public bool IsPrivate { get; } = isPrivate;
    public long CreatedAt { get; } = RelayState.Now();
    public JsonElement MovieSource { get; } = movieSource.Clone();
    public JsonElement Settings { get; } = settings.Clone();
    public int MaxParticipants { get; } = maxParticipants;
    public List<Participant> Participants { get; } = [];
    public PlaybackState Playback { get; set; } = new("paused", 0, 1, RelayState.Now(), 0);
    public long Seq { get; set; }
    /// <summary>Connections joined to the room, in join order (fault injection picks from these).</summary>
    public List<string> ConnectionIds { get; } = [];
    public long PlaybackBroadcasts { get; set; }

    /// <summary>Call under <see cref="Gate"/>.</summary>
    public RoomDto Snapshot() => new(RoomId, Name, HostId, IsPrivate, true, CreatedAt, MovieSource, Settings,
        [.. Participants], Playback, Seq);
}

public sealed record PlaybackState(string Status, double Position, double Rate, long UpdatedAt, long Version);

public sealed record Participant(string UserId, string DisplayName, string Role, bool Connected);

public sealed record RoomDto(string RoomId, string Name, string HostId, bool IsPrivate, bool IsActive, long CreatedAt,
    JsonElement MovieSource, JsonElement Settings, IReadOnlyList<Participant> Participants, PlaybackState PlaybackState, long Seq);

public sealed record ChatMessage(string MessageId, string UserId, string DisplayName, string Text, long SentAt);

// Events, as CONTRACT.md names them.
public sealed record PlaybackUpdated(string RoomId, PlaybackState PlaybackState, string By, long Seq);
public sealed record UserJoined(string RoomId, Participant User, long Seq);
public sealed record UserLeft(string RoomId, string UserId, long Seq);
public sealed record RoomJoined(string RoomId, RoomDto Room, long Seq);
public sealed record NewChatMessage(string RoomId, ChatMessage Message, long Seq);
public sealed record NewReaction(string RoomId, string UserId, string Emoji, long SentAt, long Seq);

// Acks.
public record Ack(bool Ok)
{
    public static readonly Ack Success = new(true);
}
public sealed record ErrorAck(string Error, string Message) : Ack(false);
public sealed record JoinAck(RoomDto Room, IReadOnlyList<ChatMessage> ChatHistory) : Ack(true);
public sealed record PlaybackAck(PlaybackState PlaybackState) : Ack(true);
public sealed record StalePlaybackAck(string Error, string Message, PlaybackState PlaybackState) : Ack(false);
public sealed record ChatAck(ChatMessage Message) : Ack(true);
public sealed record SyncTimeAck(long ClientTime, long ServerReceiveAt, long ServerSendAt) : Ack(true);

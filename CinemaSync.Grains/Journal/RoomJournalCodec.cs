using System.Reflection;
using System.Text;
using System.Text.Json;
using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Grains.Rooms.Core;
using CinemaSync.Grains.Storage;

namespace CinemaSync.Grains.Journal;

/// <summary>
/// How a room writes itself into its journal. One journal entry per room event, at the event's
/// seq, typed by the event's name; its payload holds the room event as members received it
/// (what a resume replays) and the durable changes that led to it (what rebuilding the room
/// applies): <c>{ "changes": [ … ], "event": { … } }</c>. The snapshot is the room's
/// <see cref="RoomState"/> in the same JSON the grain storage keeps, so a room stored whole before
/// the journal existed loads as a snapshot unchanged.
/// </summary>
internal static class RoomJournalCodec
{
    public const string SnapshotType = "room_state";

    private static readonly IReadOnlyDictionary<string, Type> s_eventTypes = typeof(RoomEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(RoomEvent)) && !t.IsAbstract)
        .ToDictionary(t => (string)t.GetField("EventName", BindingFlags.Public | BindingFlags.Static)!.GetRawConstantValue()!, StringComparer.Ordinal);

    /// <summary>
    /// The entries of one decision's durable changes, and whether a snapshot must go with them:
    /// a durable change after the decision's last event (a creation, a ban of a non-member, an
    /// invite) has no entry to ride in.
    /// </summary>
    public static (IReadOnlyList<JournalEvent> Entries, bool NeedsSnapshot) Encode(IReadOnlyList<RoomChange> changes, IReadOnlyList<RoomEvent> events)
    {
        var entries = new List<JournalEvent>();
        var pending = new List<RoomChange>();
        foreach (var change in changes.OfType<DurableChange>())
        {
            pending.Add(change);
            if (change is not NumberedChange numbered) continue;
            var roomEvent = events.Single(e => e.Seq == numbered.Seq);
            var payload = JsonSerializer.SerializeToUtf8Bytes(new Entry { Changes = [.. pending], Event = JsonSerializer.SerializeToElement(roomEvent, roomEvent.GetType(), GrainStateJson.Options) }, GrainStateJson.Options);
            entries.Add(new JournalEvent(numbered.Seq, roomEvent.Name, payload));
            pending.Clear();
        }
        return (entries, pending.Count > 0);
    }

    /// <summary>
    /// Writes one decision: its entries (with a snapshot of <paramref name="after"/> when due or
    /// needed), or the snapshot alone when no change has an event (a creation writes it as new).
    /// </summary>
    public static Task WriteAsync(this RoomJournal journal, IReadOnlyList<RoomChange> changes, IReadOnlyList<RoomEvent> events, RoomState after)
    {
        var (entries, needsSnapshot) = Encode(changes, events);
        return entries.Count == 0
            ? journal.SnapshotAsync(Snapshot(after), create: changes.Any(c => c is RoomCreated))
            : journal.AppendAsync(entries, () => Snapshot(after), needsSnapshot);
    }

    /// <summary>The room as the journal holds it: the latest snapshot, then every entry after it applied.</summary>
    public static async Task<RoomCore> LoadCoreAsync(this RoomJournal journal, RoomGrainOptions options, CancellationToken cancellationToken = default)
    {
        var load = await journal.LoadAsync(cancellationToken);
        var core = new RoomCore(journal.RoomId, options, load.Snapshot is { } snapshot ? StateOf(snapshot) : null);
        foreach (var entry in load.Events)
            foreach (var change in ChangesOf(entry))
                core.Apply(change);
        return core;
    }

    /// <summary>The durable changes an entry carries, in order.</summary>
    public static IReadOnlyList<RoomChange> ChangesOf(JournalEvent entry) => Read(entry).Changes;

    /// <summary>The room event an entry carries, as members received it.</summary>
    public static RoomEvent EventOf(JournalEvent entry)
    {
        if (!s_eventTypes.TryGetValue(entry.Type, out var type))
            throw new InvalidDataException($"Journal entry {entry.Seq} has an unknown event type '{entry.Type}'.");
        return (RoomEvent)Read(entry).Event.Deserialize(type, GrainStateJson.Options)!;
    }

    public static JournalSnapshot Snapshot(RoomState state)
        => new(state.Seq, SnapshotType, Encoding.UTF8.GetBytes(GrainStateJson.Serialize(state)));

    /// <summary>The room state a snapshot holds (a legacy whole-state document included).</summary>
    public static RoomState StateOf(JournalSnapshot snapshot) => GrainStateJson.Deserialize<RoomState>(Encoding.UTF8.GetString(snapshot.Payload));

    private static Entry Read(JournalEvent entry)
        => JsonSerializer.Deserialize<Entry>(entry.Payload, GrainStateJson.Options)
           ?? throw new InvalidDataException($"Journal entry {entry.Seq} is empty.");

    private sealed class Entry
    {
        public List<RoomChange> Changes { get; set; } = [];

        public JsonElement Event { get; set; }
    }
}

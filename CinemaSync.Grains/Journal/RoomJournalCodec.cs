using System.Buffers;
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
/// the journal existed loads as a snapshot unchanged; its chat copy becomes journal entries.
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
            entries.Add(EntryOf(events.Single(e => e.Seq == numbered.Seq), [.. pending]));
            pending.Clear();
        }
        return (entries, pending.Count > 0);
    }

    /// <summary>
    /// One decision's write, prepared at the decision (<see cref="RoomJournal.Prepare"/>): its entries
    /// (with a snapshot of <paramref name="after"/> when due or needed), or the snapshot alone when no
    /// change has an event (a creation writes it as new).
    /// </summary>
    public static JournalAppend Prepare(this RoomJournal journal, IReadOnlyList<RoomChange> changes, IReadOnlyList<RoomEvent> events, RoomState after)
    {
        var (entries, needsSnapshot) = Encode(changes, events);
        return journal.Prepare(entries, () => Snapshot(after), needsSnapshot, create: entries.Count == 0 && changes.Any(c => c is RoomCreated));
    }

    /// <summary>Prepares and writes one decision.</summary>
    public static Task WriteAsync(this RoomJournal journal, IReadOnlyList<RoomChange> changes, IReadOnlyList<RoomEvent> events, RoomState after)
        => journal.WriteAsync(journal.Prepare(changes, events, after));

    /// <summary>
    /// The room as the journal holds it: the latest snapshot, then every entry after it applied. A
    /// legacy room's chat is handed to the journal, to be written with the conversion.
    /// </summary>
    public static async Task<RoomCore> LoadCoreAsync(this RoomJournal journal, RoomGrainOptions options, CancellationToken cancellationToken = default)
    {
        var load = await journal.LoadAsync(cancellationToken);
        var state = load.Snapshot is { } snapshot ? StateOf(snapshot) : null;
        if (load.Snapshot is { IsLegacy: true } legacy && state is not null)
        {
            state.ConvertedAtSeq = state.Seq;
            // Events after a legacy document: a conversion stopped before its snapshot (MongoDB has no
            // transaction), and its entries, the chat first, are already written.
            if (load.Events.Count == 0) journal.ConvertWith(LegacyChat(journal.RoomId, legacy, state.Seq));
        }
        journal.ResumableAfter = state?.ConvertedAtSeq ?? 0;
        var core = new RoomCore(journal.RoomId, options, state);
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

    /// <summary>
    /// The chat messages of a whole-state document (its copy of the last messages), as chat entries at
    /// the seqs just up to the room's: an entry without changes (nothing to apply), only an event.
    /// </summary>
    private static List<JournalEvent> LegacyChat(string roomId, JournalSnapshot legacy, long roomSeq)
    {
        var chat = JsonSerializer.Deserialize<LegacyDocument>(legacy.Payload, GrainStateJson.Options)?.Chat ?? [];
        var kept = chat.TakeLast((int)Math.Min(chat.Count, roomSeq)).ToList();
        var first = roomSeq - kept.Count + 1;
        return kept.Select((message, i) => EntryOf(new NewChatMessageEvent { RoomId = roomId, Seq = first + i, Message = message }, [])).ToList();
    }

    /// <summary>The entry <see cref="Entry"/> reads back, written in one pass (on every accepted command).</summary>
    private static JournalEvent EntryOf(RoomEvent roomEvent, List<RoomChange> changes)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(EntryChanges);
            JsonSerializer.Serialize(writer, changes, GrainStateJson.Options);
            writer.WritePropertyName(EntryEvent);
            JsonSerializer.Serialize(writer, roomEvent, roomEvent.GetType(), GrainStateJson.Options);
            writer.WriteEndObject();
        }
        return new JournalEvent(roomEvent.Seq, roomEvent.Name, buffer.WrittenSpan.ToArray());
    }

    private static readonly JsonEncodedText EntryChanges = JsonEncodedText.Encode("changes");
    private static readonly JsonEncodedText EntryEvent = JsonEncodedText.Encode("event");

    private static Entry Read(JournalEvent entry)
        => JsonSerializer.Deserialize<Entry>(entry.Payload, GrainStateJson.Options)
           ?? throw new InvalidDataException($"Journal entry {entry.Seq} is empty.");

    /// <summary>What a whole-state document holds beyond <see cref="RoomState"/>.</summary>
    private sealed class LegacyDocument
    {
        public List<ChatMessage> Chat { get; set; } = [];
    }

    private sealed class Entry
    {
        public List<RoomChange> Changes { get; set; } = [];

        public JsonElement Event { get; set; }
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Grains.Journal;

/// <summary>What a join reads from the room's journal: the events a member missed, and the chat history.</summary>
internal sealed class RoomHistory(RoomJournal journal)
{
    /// <summary>The last chat messages, read from the journal at the first join, then kept up as messages are accepted.</summary>
    private List<ChatMessage>? _chat;

    /// <summary>
    /// The events after <paramref name="lastSeq"/> up to the join (<paramref name="seqBeforeJoin"/>)
    /// from the journal, or a resync when it no longer holds them all.
    /// </summary>
    public async Task<JoinResult> ResumeAsync(JoinResult result, long lastSeq, long seqBeforeJoin)
    {
        if (lastSeq >= seqBeforeJoin) return result with { MissedEvents = [] };
        return await MissedAsync(lastSeq, seqBeforeJoin) is { } missed
            ? result with { MissedEvents = missed }
            : result with { Resync = true };
    }

    /// <summary>Exactly the events <paramref name="lastSeq"/> + 1 … <paramref name="seq"/>, or null when the journal no longer holds them all.</summary>
    public async Task<List<RoomEvent>?> MissedAsync(long lastSeq, long seq)
        => await journal.ReadAfterAsync(lastSeq, seq) is { } entries ? entries.Select(RoomJournalCodec.EventOf).ToList() : null;

    /// <summary>
    /// The last <see cref="RoomCore.ChatHistoryLength"/> chat messages, from the journal; older ones
    /// it no longer holds (trimmed, or from before the room was converted) come from the room
    /// state's copy, <paramref name="kept"/>.
    /// </summary>
    public async Task<List<ChatMessage>> ChatAsync(IReadOnlyList<ChatMessage> kept)
    {
        if (_chat is null)
        {
            var fromJournal = (await journal.ReadLastAsync(NewChatMessageEvent.EventName, RoomCore.ChatHistoryLength))
                .Select(e => ((NewChatMessageEvent)RoomJournalCodec.EventOf(e)).Message).ToList();
            var ids = fromJournal.Select(m => m.MessageId).ToHashSet();
            var older = kept.Where(m => !ids.Contains(m.MessageId) && (fromJournal.Count == 0 || m.SentAt <= fromJournal[0].SentAt));
            _chat = [.. older.TakeLast(RoomCore.ChatHistoryLength - fromJournal.Count), .. fromJournal];
        }
        return [.. _chat];
    }

    /// <summary>Keeps the chat history up with accepted events.</summary>
    public void Add(IEnumerable<RoomEvent> events)
    {
        if (_chat is null) return;
        _chat.AddRange(events.OfType<NewChatMessageEvent>().Select(e => e.Message));
        if (_chat.Count > RoomCore.ChatHistoryLength) _chat.RemoveRange(0, _chat.Count - RoomCore.ChatHistoryLength);
    }

    /// <summary>After the room was read back from the journal: the next join reads the chat again.</summary>
    public void Forget() => _chat = null;
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms.Core;

namespace CinemaSync.Grains.Journal;

/// <summary>What a join reads from the room's journal: the events a member missed, and the chat history. Used on the grain's scheduler only.</summary>
internal sealed class RoomHistory(RoomJournal journal)
{
    /// <summary>The last chat messages with their seqs, read from the journal at the first join, then kept up as messages are accepted.</summary>
    private List<(long Seq, ChatMessage Message)>? _chat;

    private Task? _loading;
    private List<(long Seq, ChatMessage Message)>? _acceptedWhileLoading;

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
    /// The last <see cref="RoomCore.ChatHistoryLength"/> chat messages the journal still holds, oldest
    /// first: the journal is the only copy, so messages trimmed past the retention are gone from it.
    /// </summary>
    public async Task<List<ChatMessage>> ChatAsync()
    {
        while (_chat is null)
        {
            var loading = _loading ??= LoadChatAsync();
            try
            {
                await loading;
            }
            finally
            {
                if (_loading == loading) _loading = null;
            }
        }
        _chat.RemoveAll(m => m.Seq <= journal.TrimmedThrough);
        return _chat.ConvertAll(m => m.Message);
    }

    /// <summary>
    /// Reads the chat from the journal once. The room goes on while it reads: messages accepted
    /// meanwhile are kept aside and added after those the read found.
    /// </summary>
    private async Task LoadChatAsync()
    {
        var acceptedMeanwhile = _acceptedWhileLoading = [];
        try
        {
            var chat = (await journal.ReadLastAsync(NewChatMessageEvent.EventName, RoomCore.ChatHistoryLength))
                .Select(e => (e.Seq, ((NewChatMessageEvent)RoomJournalCodec.EventOf(e)).Message)).ToList();
            var lastRead = chat.Count > 0 ? chat[^1].Seq : long.MinValue;
            chat.AddRange(acceptedMeanwhile.Where(m => m.Seq > lastRead));
            _chat = chat;
            Trim();
        }
        finally
        {
            _acceptedWhileLoading = null;
        }
    }

    /// <summary>Keeps the chat history up with accepted events.</summary>
    public void Add(IEnumerable<RoomEvent> events)
    {
        if ((_chat ?? _acceptedWhileLoading) is not { } chat) return;
        foreach (var e in events)
            if (e is NewChatMessageEvent message) chat.Add((message.Seq, message.Message));
        if (_chat is not null) Trim();
    }

    private void Trim()
    {
        if (_chat!.Count > RoomCore.ChatHistoryLength) _chat.RemoveRange(0, _chat.Count - RoomCore.ChatHistoryLength);
    }

    /// <summary>After the room was read back from the journal: the next join reads the chat again.</summary>
    public void Forget() => _chat = null;
}

namespace CinemaSync.Grains.Journal;

/// <summary>
/// An append was refused because another writer got there first (a seq it carries is taken):
/// the writer's view of the room is stale and it must reload before writing again.
/// </summary>
internal sealed class JournalConflictException(string roomId, long seq, Exception? inner = null)
    : Exception($"Room {roomId}: journal position {seq} is already written by another writer; reload the room.", inner)
{
    public string RoomId { get; } = roomId;

    public long Seq { get; } = seq;
}

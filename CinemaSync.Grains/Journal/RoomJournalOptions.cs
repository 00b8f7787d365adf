using CinemaSync.Grains.Hosting;

namespace CinemaSync.Grains.Journal;

/// <summary>When a room's journal takes a snapshot and how much of it is kept (section <c>Journal</c>).</summary>
internal sealed class RoomJournalOptions : IValidatedSettings
{
    public const string Section = "Journal";

    /// <summary>A snapshot is written with the append that brings this many events since the last one.</summary>
    public int SnapshotEveryEvents { get; set; } = 200;

    /// <summary>… or with the append that brings the events' payloads since the last snapshot past this many bytes.</summary>
    public long SnapshotAfterBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Events a room's journal keeps at least (what <c>join_room</c> with <c>last_seq</c> can replay).
    /// Older ones are deleted when a snapshot is written, so a room holds at most this many plus
    /// <see cref="SnapshotEveryEvents"/>.
    /// </summary>
    public int RetainEvents { get; set; } = 1000;

    public IEnumerable<string> Problems()
    {
        if (SnapshotEveryEvents < 1) yield return "Journal:SnapshotEveryEvents must be at least 1.";
        if (SnapshotAfterBytes < 1) yield return "Journal:SnapshotAfterBytes must be at least 1.";
        if (RetainEvents < 1) yield return "Journal:RetainEvents must be at least 1.";
    }
}

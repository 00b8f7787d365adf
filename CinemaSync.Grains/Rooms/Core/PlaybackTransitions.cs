using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>Where a room's playback is, at a given server time.</summary>
/// <remarks><see cref="Scheduled"/> is <c>playing</c> on the wire with <c>updated_at</c> in the future: the position holds until then.</remarks>
internal enum PlaybackPhase { Idle, Paused, Scheduled, Playing, Waiting }

/// <summary>
/// The playback state machine. Every transition takes the current state and the server time and
/// returns the next state as a new version:
/// <code>
///   trigger                         from                       to
///   play (host), seek while playing any                        Scheduled (now + lead)
///   pause (host)                    any                        Paused
///   scheduled instant reached       Scheduled                  Playing     (no event: clocks do it)
///   buffering report                Scheduled | Playing        Waiting     (wait_for_buffering on)
///   all ready, timeout, setting off Waiting                    Scheduled   (by: null)
///   video ends with a queue, ended  any                        Scheduled   (next item at 0)
///   new video                       any                        Paused | Idle (no video)
/// </code>
/// </summary>
internal static class PlaybackTransitions
{
    public static PlaybackPhase PhaseAt(PlaybackState state, long now) => state.Status switch
    {
        PlaybackStatus.Playing => state.UpdatedAt > now ? PlaybackPhase.Scheduled : PlaybackPhase.Playing,
        PlaybackStatus.Waiting => PlaybackPhase.Waiting,
        PlaybackStatus.Paused => PlaybackPhase.Paused,
        _ => PlaybackPhase.Idle,
    };

    public static PlaybackState Initial(bool hasVideo, long now) => new()
    {
        Status = hasVideo ? PlaybackStatus.Paused : PlaybackStatus.Idle,
        Position = 0,
        Rate = 1,
        UpdatedAt = now,
        Version = 0,
    };

    /// <summary>Where the video is at server time <paramref name="now"/>.</summary>
    public static double PositionAt(PlaybackState state, long now) =>
        state.Status == PlaybackStatus.Playing
            ? state.Position + Math.Max(0, now - state.UpdatedAt) / 1000.0 * state.Rate
            : state.Position;

    /// <summary>When a playing video of <paramref name="durationMs"/> reaches its end (server time).</summary>
    public static long EndsAt(PlaybackState playing, long durationMs) =>
        playing.UpdatedAt + (long)Math.Ceiling(Math.Max(0, durationMs - playing.Position * 1000) / playing.Rate);

    /// <summary>
    /// A host's command, already checked by <see cref="PlaybackValues.Check"/>. A start or a seek
    /// while playing is scheduled <paramref name="leadMs"/> ahead, so every member starts the same
    /// frame at the same instant.
    /// </summary>
    public static PlaybackState Command(PlaybackState current, PlaybackCommand command, long now, int leadMs) => new()
    {
        Status = command.Status,
        Position = command.Position,
        Rate = command.Rate ?? 1,
        UpdatedAt = command.Status == PlaybackStatus.Playing ? now + leadMs : now,
        Version = current.Version + 1,
    };

    /// <summary>Someone is buffering: hold everyone where the video is now.</summary>
    public static PlaybackState Wait(PlaybackState playing, long now) => playing with
    {
        Status = PlaybackStatus.Waiting,
        Position = PositionAt(playing, now),
        UpdatedAt = now,
        Version = playing.Version + 1,
    };

    /// <summary>Everyone is ready (or the wait timed out): start again, scheduled.</summary>
    public static PlaybackState Resume(PlaybackState waiting, long now, int leadMs) => waiting with
    {
        Status = PlaybackStatus.Playing,
        UpdatedAt = now + leadMs,
        Version = waiting.Version + 1,
    };

    /// <summary>A queued video starts playing from 0, scheduled.</summary>
    public static PlaybackState StartNext(PlaybackState current, long now, int leadMs) => new()
    {
        Status = PlaybackStatus.Playing,
        Position = 0,
        Rate = 1,
        UpdatedAt = now + leadMs,
        Version = current.Version + 1,
    };

    /// <summary>A new video: paused at 0 (idle without one), as a new version.</summary>
    public static PlaybackState Reset(PlaybackState current, bool hasVideo, long now) =>
        Initial(hasVideo, now) with { Version = current.Version + 1 };
}

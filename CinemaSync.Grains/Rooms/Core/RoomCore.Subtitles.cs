using CinemaSync.Contracts;

namespace CinemaSync.Grains.Rooms.Core;

/// <summary>
/// Subtitle tracks belong to the video (<see cref="MovieSource.Subtitles"/>): host and co-hosts add
/// and remove them and set the default; each member chooses their own, which the room keeps for
/// them (across leaving and rejoining) and tells nobody else.
/// </summary>
internal sealed partial class RoomCore
{
    private RoomResult<SubtitleTrack> SubtitleAdd(Draft d, SubtitleAdd command)
    {
        if (RefuseUnlessController<SubtitleTrack>(command.UserId) is { } refused) return refused;
        if (!State.MovieSource.HasVideo) return Fail<SubtitleTrack>(ErrorCodes.InvalidPayload, "The room has no video to add subtitles to.");
        if (SubtitleValues.Check(command.Track) is { } problem) return Fail<SubtitleTrack>(ErrorCodes.InvalidPayload, problem);
        var tracks = State.MovieSource.Tracks;
        if (tracks.Count >= SubtitleValues.MaxTracks)
            return Fail<SubtitleTrack>(ErrorCodes.LimitReached, $"The video has {SubtitleValues.MaxTracks} subtitle tracks, the most it can carry; remove one first.");
        d.Emit(new SubtitlesChanged([.. tracks, command.Track], State.MovieSource.SubtitleDefault));
        return Ok(command.Track);
    }

    private RoomResult<Done> SubtitleRemove(Draft d, SubtitleRemove command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        var tracks = State.MovieSource.Tracks;
        if (!tracks.Any(t => t.TrackId == command.TrackId)) return Fail<Done>(ErrorCodes.TrackNotFound, "The video has no subtitle track of that id.");
        var defaultTrack = State.MovieSource.SubtitleDefault == command.TrackId ? null : State.MovieSource.SubtitleDefault;
        d.Emit(new SubtitlesChanged(tracks.Where(t => t.TrackId != command.TrackId).ToList(), defaultTrack));
        return Accepted;
    }

    private RoomResult<SubtitleTrack> SubtitleRename(Draft d, SubtitleRename command)
    {
        if (RefuseUnlessController<SubtitleTrack>(command.UserId) is { } refused) return refused;
        var tracks = State.MovieSource.Tracks;
        if (tracks.FirstOrDefault(t => t.TrackId == command.TrackId) is not { } track)
            return Fail<SubtitleTrack>(ErrorCodes.TrackNotFound, "The video has no subtitle track of that id.");
        var renamed = track with { Label = command.Label ?? track.Label, Language = command.Language ?? track.Language };
        if (SubtitleValues.Check(renamed) is { } problem) return Fail<SubtitleTrack>(ErrorCodes.InvalidPayload, problem);
        if (renamed != track)
            d.Emit(new SubtitlesChanged(tracks.Select(t => t == track ? renamed : t).ToList(), State.MovieSource.SubtitleDefault));
        return Ok(renamed);
    }

    private RoomResult<Done> SetSubtitleDefault(Draft d, SetSubtitleDefault command)
    {
        if (RefuseUnlessController<Done>(command.UserId) is { } refused) return refused;
        if (RefuseUnknownTrack<Done>(command.TrackId) is { } unknown) return unknown;
        if (State.MovieSource.SubtitleDefault != command.TrackId)
            d.Emit(new SubtitlesChanged(State.MovieSource.Tracks, command.TrackId));
        return Accepted;
    }

    private RoomResult<SubtitleChoice> ChooseSubtitle(Draft d, ChooseSubtitle command)
    {
        if (RefuseUnlessMember<SubtitleChoice>(command.UserId, out _) is { } refused) return refused;
        if (RefuseUnknownTrack<SubtitleChoice>(command.TrackId) is { } unknown) return unknown;
        if (State.SubtitleChoices.Find(c => c.UserId == command.UserId) is not { } kept || kept.TrackId != command.TrackId)
            d.Emit(new SubtitleChosen(command.UserId, command.TrackId));
        return Ok(SubtitleOf(command.UserId));
    }

    /// <summary>The tracks a queue item brings: within the cap, each valid, the default one of them.</summary>
    private static string? TracksProblem(MovieSource source)
    {
        var tracks = source.Tracks;
        if (tracks.Count > SubtitleValues.MaxTracks) return $"subtitles must be at most {SubtitleValues.MaxTracks} tracks.";
        if (tracks.Select(SubtitleValues.Check).FirstOrDefault(p => p is not null) is { } problem) return "subtitles: " + problem;
        if (tracks.Select(t => t.TrackId).Distinct().Count() != tracks.Count) return "subtitles: track ids must differ.";
        return source.SubtitleDefault is { } d && !tracks.Any(t => t.TrackId == d) ? "subtitle_default must be one of the tracks." : null;
    }

    private RoomResult<T>? RefuseUnknownTrack<T>(string? trackId) =>
        trackId is not null && !State.MovieSource.Tracks.Any(t => t.TrackId == trackId)
            ? Fail<T>(ErrorCodes.TrackNotFound, "The video has no subtitle track of that id.")
            : null;

    /// <summary>
    /// What <paramref name="userId"/> sees: their choice while its track is on the video, else the
    /// room's default. A choice outlives a change of video, so "none" stays none.
    /// </summary>
    public SubtitleChoice SubtitleOf(string userId)
    {
        var tracks = State.MovieSource.Tracks;
        if (State.SubtitleChoices.Find(c => c.UserId == userId) is { } kept
            && (kept.TrackId is null || tracks.Any(t => t.TrackId == kept.TrackId)))
            return new SubtitleChoice { TrackId = kept.TrackId, Chosen = true };
        return new SubtitleChoice { TrackId = State.MovieSource.SubtitleDefault, Chosen = false };
    }

    /// <summary>The newest choice goes last; past the bound, the oldest of someone no longer in the room goes first.</summary>
    private void RememberSubtitle(string userId, string? trackId)
    {
        var choices = State.SubtitleChoices;
        choices.RemoveAll(c => c.UserId == userId);
        choices.Add(new MemberSubtitle(userId, trackId));
        if (choices.Count <= SubtitleValues.MaxRememberedChoices) return;
        var gone = choices.FindIndex(c => State.Participant(c.UserId) is null);
        choices.RemoveAt(gone >= 0 ? gone : 0);
    }
}

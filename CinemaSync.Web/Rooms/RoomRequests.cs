using CinemaSync.Contracts;
using CinemaSync.Web.Api;

namespace CinemaSync.Web.Rooms;

/// <summary>Turns REST bodies and hub payloads into validated room commands.</summary>
public static class RoomRequests
{
    public sealed record CreateRoom(string Name, bool IsPrivate, string? Password, MovieSource MovieSource, RoomSettings Settings);

    public static CreateRoom? ReadCreate(PayloadReader body)
    {
        var name = body.String("name", required: true, maxLength: TextRules.RoomNameMaxLength, minLength: 1);
        var isPrivate = body.Bool("is_private") ?? false;
        var password = body.String("password", maxLength: TextRules.PasswordMaxLength);
        if (isPrivate && string.IsNullOrEmpty(password) && !body.Errors.ContainsKey("password"))
            body.Fail("password", "is required for a private room.");
        var source = body.Object("movie_source") is { } sourceReader ? ReadMovieSource(sourceReader) : new MovieSource();
        var settings = body.Object("settings") is { } settingsReader ? ReadSettings(settingsReader) : new RoomSettings();
        if (!body.IsValid) return null;
        return new CreateRoom(name!, isPrivate, isPrivate ? password : null, source!, settings!);
    }

    public static MovieSource? ReadMovieSource(PayloadReader source)
    {
        var type = source.String("type", required: true, maxLength: MovieSourceValues.TypeMaxLength, check: MovieSourceValues.TypeProblem);
        switch (type)
        {
            case MovieSourceTypes.DirectLink:
                var url = ReadUrl(source);
                return url is null ? null : new MovieSource { Type = type, Url = url };
            case MovieSourceTypes.GoogleDrive:
                var fileId = ReadFileId(source, required: false);
                var owner = ReadOwner(source);
                return new MovieSource { Type = type, FileId = fileId, Owner = fileId is null ? null : owner };
            case MovieSourceTypes.UploadLater:
                return new MovieSource { Type = type };
            default:
                return null;
        }
    }

    private static RoomSettings ReadSettings(PayloadReader settings) => ReadSettingsPatch(settings).MergeInto(new RoomSettings());

    /// <summary><c>update_settings</c>: only the fields given change.</summary>
    public static SettingsPatch ReadSettingsPatch(PayloadReader settings) => new()
    {
        ChatEnabled = settings.Bool("chat_enabled"),
        ReactionsEnabled = settings.Bool("reactions_enabled"),
        MaxParticipants = (int?)settings.Integer("max_participants", SettingsValues.MaxParticipantsProblem),
        WaitForBuffering = settings.Bool("wait_for_buffering"),
        BufferTimeoutMs = (int?)settings.Integer("buffer_timeout_ms", SettingsValues.BufferTimeoutProblem),
        HostGraceMs = (int?)settings.Integer("host_grace_ms", SettingsValues.HostGraceProblem),
    };

    /// <summary><c>update_settings</c>: <c>{ settings: { ...the fields that change } }</c>.</summary>
    public static SettingsPatch? ReadSettingsUpdate(PayloadReader body) =>
        body.Object("settings", required: true) is { } settings ? ReadSettingsPatch(settings) : null;

    public static StatusReport? ReadStatusReport(PayloadReader body)
    {
        var state = body.String("state", required: true, maxLength: StatusValues.StateMaxLength, trim: false, check: StatusValues.StateProblem);
        var position = body.Number("position", required: true, check: PlaybackValues.PositionProblem);
        var rtt = ReadRtt(body);
        if (!body.IsValid) return null;
        return new StatusReport { State = state!, Position = position!.Value, RttMs = rtt };
    }

    public static int? ReadRtt(PayloadReader body) => (int?)body.Integer("rtt_ms", StatusValues.RttProblem);

    public static string? ReadUserId(PayloadReader body) =>
        body.String("user_id", required: true, maxLength: TextRules.UserIdMaxLength, minLength: 1, trim: false);

    public static string? ReadRole(PayloadReader body) =>
        body.String("role", required: true, maxLength: ParticipantRoles.RoleMaxLength, trim: false, check: ParticipantRoles.AssignableProblem);

    public static string? ReadChatText(PayloadReader body) =>
        body.String("text", required: true, maxLength: TextRules.ChatMaxLength, minLength: 1);

    public static string? ReadEmoji(PayloadReader body) =>
        body.String("emoji", required: true, maxLength: TextRules.EmojiMaxLength, minLength: 1);

    public static string? ReadQueueItemId(PayloadReader body) =>
        body.String("item_id", required: true, maxLength: QueueValues.ItemIdMaxLength, minLength: 1, trim: false);

    public sealed record QueueAdd(MovieSource Source, string? Title, long? DurationMs, IReadOnlyList<SubtitleAdd> Subtitles);

    /// <summary>
    /// <c>queue_add</c>: the source, an optional title, a duration that wins over the one Drive gives, and
    /// the video's subtitle tracks (<c>movie_source.subtitles</c>, each as <see cref="ReadSubtitleAdd"/> reads one).
    /// </summary>
    public static QueueAdd? ReadQueueAdd(PayloadReader body)
    {
        MovieSource? source = null;
        var subtitles = new List<SubtitleAdd>();
        if (body.Object("movie_source", required: true) is { } s)
        {
            source = ReadMovieSource(s);
            foreach (var entry in s.Objects("subtitles", SubtitleValues.MaxTracks) ?? [])
                if (ReadTrack(entry) is { } track) subtitles.Add(track);
        }
        var title = body.String("title", maxLength: MovieSourceValues.TitleMaxLength);
        var durationMs = body.Integer("duration_ms", MovieSourceValues.DurationProblem);
        return body.IsValid ? new QueueAdd(source!, title, durationMs, subtitles) : null;
    }

    public sealed record SubtitleAdd(string Label, string Language, MovieSource Source);

    /// <summary><c>subtitle_add</c>: <c>{ label, language, source: { type: "directLink", url } | { type: "googleDrive", file_id, owner? } }</c>.</summary>
    public static SubtitleAdd? ReadSubtitleAdd(PayloadReader body) => ReadTrack(body) is { } track && body.IsValid ? track : null;

    public sealed record SubtitleRename(string? Label, string? Language);

    /// <summary><c>subtitle_rename</c>: <c>{ label?, language? }</c>, at least one of them.</summary>
    public static SubtitleRename? ReadSubtitleRename(PayloadReader body)
    {
        var label = ReadLabel(body, required: false);
        var language = ReadLanguage(body, required: false);
        if (!body.Has("label") && !body.Has("language")) body.Fail("label", "give a label, a language or both.");
        return body.IsValid ? new SubtitleRename(label, language) : null;
    }

    /// <summary>One track's label, language and source: a direct link to a .vtt/.srt file, or a Drive file.</summary>
    private static SubtitleAdd? ReadTrack(PayloadReader body)
    {
        var label = ReadLabel(body, required: true);
        var language = ReadLanguage(body, required: true);
        MovieSource? source = null;
        if (body.Object("source", required: true) is { } s)
        {
            var type = s.String("type", required: true, maxLength: MovieSourceValues.TypeMaxLength, trim: false,
                check: t => t is MovieSourceTypes.DirectLink or MovieSourceTypes.GoogleDrive ? null : "must be \"directLink\" or \"googleDrive\".");
            source = type switch
            {
                MovieSourceTypes.DirectLink => s.String("url", required: true, maxLength: MovieSourceValues.UrlMaxLength, minLength: 1, check: SubtitleValues.UrlProblem) is { } url
                    ? new MovieSource { Type = type, Url = url }
                    : null,
                MovieSourceTypes.GoogleDrive => ReadFileId(s, required: true) is { } fileId ? new MovieSource { Type = type, FileId = fileId, Owner = ReadOwner(s) } : null,
                _ => null,
            };
        }
        return label is null || language is null || source is null ? null : new SubtitleAdd(label, language, source);
    }

    private static string? ReadLabel(PayloadReader body, bool required) =>
        body.String("label", required, maxLength: SubtitleValues.LabelMaxLength, minLength: 1, check: SubtitleValues.LabelProblem);

    private static string? ReadLanguage(PayloadReader body, bool required) =>
        body.String("language", required, maxLength: SubtitleValues.LanguageMaxLength, minLength: 2, trim: false, check: SubtitleValues.LanguageProblem);

    /// <summary>A track id that must be given (<c>subtitle_remove</c>).</summary>
    public static string? ReadTrackId(PayloadReader body) =>
        body.String("track_id", required: true, maxLength: SubtitleValues.TrackIdMaxLength, minLength: 1, trim: false);

    /// <summary><c>set_subtitle</c>, <c>subtitle_default</c>: <c>track_id</c> must be present, null for none.</summary>
    public static string? ReadTrackChoice(PayloadReader body)
    {
        if (!body.IsPresent("track_id")) body.Fail("track_id", "is required (null for none).");
        return body.String("track_id", maxLength: SubtitleValues.TrackIdMaxLength, minLength: 1, trim: false);
    }

    public static int? ReadQueueIndex(PayloadReader body) => (int?)body.Integer("index", QueueValues.IndexProblem, required: true);

    /// <summary><c>PUT /api/rooms/{id}/video</c>: <c>{ file_id, owner }</c> or <c>{ url }</c>.</summary>
    public static MovieSource? ReadVideo(PayloadReader body)
    {
        if (body.Has("url") && body.Has("file_id"))
        {
            body.Fail("url", "give either url or file_id, not both.");
            return null;
        }
        if (body.Has("url"))
        {
            var url = ReadUrl(body);
            return body.IsValid ? new MovieSource { Type = MovieSourceTypes.DirectLink, Url = url } : null;
        }
        var fileId = ReadFileId(body, required: true);
        var owner = ReadOwner(body);
        return body.IsValid ? new MovieSource { Type = MovieSourceTypes.GoogleDrive, FileId = fileId, Owner = owner } : null;
    }

    public static PlaybackCommand? ReadPlayback(PayloadReader body)
    {
        var status = body.String("status", required: true, maxLength: PlaybackValues.StatusMaxLength, trim: false, check: PlaybackValues.StatusProblem);
        var position = body.Number("position", required: true, check: PlaybackValues.PositionProblem);
        var rate = body.Number("rate", check: PlaybackValues.RateProblem);
        var baseVersion = body.Integer("base_version", PlaybackValues.BaseVersionProblem);
        if (!body.IsValid) return null;
        return new PlaybackCommand { Status = status!, Position = position!.Value, Rate = rate, BaseVersion = baseVersion };
    }

    public static string? ReadRoomId(PayloadReader body) =>
        body.String("room_id", required: true, maxLength: RoomIds.MaxLength, trim: false, check: RoomIds.Problem);

    /// <summary><c>POST .../invites</c>: <c>expires_in_minutes</c>, a day when not given.</summary>
    public static TimeSpan ReadInviteLifetime(PayloadReader body) =>
        body.Integer("expires_in_minutes", min: 1, max: InviteTokens.MaxLifetimeMinutes) is { } minutes
            ? TimeSpan.FromMinutes(minutes)
            : InviteTokens.DefaultLifetime;

    /// <summary><c>join_room</c>: the room, its password or an invite, and the last <c>seq</c> a reconnecting client applied.</summary>
    public sealed record Join(string RoomId, string? Password, string? Invite, long? LastSeq);

    public static Join? ReadJoin(PayloadReader body)
    {
        var roomId = ReadRoomId(body);
        var password = ReadPassword(body);
        var lastSeq = body.Integer("last_seq", min: 0);
        var invite = body.String("invite", maxLength: InviteTokens.MaxLength, trim: false);
        return body.IsValid ? new Join(roomId!, password, invite, lastSeq) : null;
    }

    public static string? ReadPassword(PayloadReader body) =>
        body.String("password", maxLength: TextRules.PasswordMaxLength);

    private static string? ReadUrl(PayloadReader reader) =>
        reader.String("url", required: true, maxLength: MovieSourceValues.UrlMaxLength, minLength: 1, check: MovieSourceValues.UrlProblem);

    /// <summary>In a new room's source the file id may be empty: no file yet.</summary>
    private static string? ReadFileId(PayloadReader reader, bool required) =>
        reader.String("file_id", required, maxLength: MovieSourceValues.FileIdMaxLength, minLength: required ? 1 : 0, trim: false,
            check: id => id.Length == 0 ? null : MovieSourceValues.FileIdProblem(id)) is { Length: > 0 } fileId ? fileId : null;

    private static string ReadOwner(PayloadReader reader) =>
        reader.String("owner", maxLength: MovieSourceValues.OwnerMaxLength, check: MovieSourceValues.OwnerProblem) ?? MovieOwners.Service;
}

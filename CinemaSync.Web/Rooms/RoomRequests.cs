using CinemaSync.Contracts;
using CinemaSync.Grains.Rooms;
using CinemaSync.Web.Api;

namespace CinemaSync.Web.Rooms;

/// <summary>Turns REST bodies and hub payloads into validated room commands.</summary>
public static class RoomRequests
{
    private const int UrlMaxLength = 2048;

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
        var type = source.String("type", required: true, maxLength: 32);
        switch (type)
        {
            case MovieSourceTypes.DirectLink:
                var url = ReadUrl(source, required: true);
                return url is null ? null : new MovieSource { Type = type, Url = url };
            case MovieSourceTypes.GoogleDrive:
                var fileId = ReadFileId(source, required: false);
                var owner = ReadOwner(source);
                return new MovieSource { Type = type, FileId = fileId, Owner = fileId is null ? null : owner };
            case MovieSourceTypes.UploadLater:
                return new MovieSource { Type = type };
            case null:
                return null;
            default:
                source.Fail("type", "must be \"googleDrive\", \"directLink\" or \"uploadLater\".");
                return null;
        }
    }

    private static RoomSettings ReadSettings(PayloadReader settings)
    {
        var defaults = new RoomSettings();
        return new RoomSettings
        {
            ChatEnabled = settings.Bool("chat_enabled") ?? defaults.ChatEnabled,
            ReactionsEnabled = settings.Bool("reactions_enabled") ?? defaults.ReactionsEnabled,
            MaxParticipants = (int)(settings.Integer("max_participants", min: RoomSettings.MinParticipants,
                max: RoomSettings.MaxParticipantsLimit) ?? defaults.MaxParticipants),
            WaitForBuffering = settings.Bool("wait_for_buffering") ?? defaults.WaitForBuffering,
            BufferTimeoutMs = (int)(settings.Integer("buffer_timeout_ms", min: RoomSettings.MinBufferTimeoutMs,
                max: RoomSettings.MaxBufferTimeoutMs) ?? defaults.BufferTimeoutMs),
            HostGraceMs = (int)(settings.Integer("host_grace_ms", min: RoomSettings.MinHostGraceMs,
                max: RoomSettings.MaxHostGraceMs) ?? defaults.HostGraceMs),
        };
    }

    /// <summary><c>update_settings</c>: only the fields given change.</summary>
    public static SettingsPatch ReadSettingsPatch(PayloadReader settings) => new()
    {
        ChatEnabled = settings.Bool("chat_enabled"),
        ReactionsEnabled = settings.Bool("reactions_enabled"),
        MaxParticipants = (int?)settings.Integer("max_participants", min: RoomSettings.MinParticipants, max: RoomSettings.MaxParticipantsLimit),
        WaitForBuffering = settings.Bool("wait_for_buffering"),
        BufferTimeoutMs = (int?)settings.Integer("buffer_timeout_ms", min: RoomSettings.MinBufferTimeoutMs, max: RoomSettings.MaxBufferTimeoutMs),
        HostGraceMs = (int?)settings.Integer("host_grace_ms", min: RoomSettings.MinHostGraceMs, max: RoomSettings.MaxHostGraceMs),
    };

    public static StatusReport? ReadStatusReport(PayloadReader body)
    {
        var state = body.String("state", required: true, maxLength: 16, trim: false);
        if (state is not null and not (MemberStates.Buffering or MemberStates.Ready or MemberStates.Ended))
            body.Fail("state", "must be \"buffering\", \"ready\" or \"ended\".");
        var position = body.Number("position", required: true);
        if (position < 0) body.Fail("position", "must be 0 or more.");
        var rtt = body.Integer("rtt_ms", min: 0, max: 60_000);
        if (!body.IsValid) return null;
        return new StatusReport { State = state!, Position = position!.Value, RttMs = (int?)rtt };
    }

    public static string? ReadUserId(PayloadReader body) => body.String("user_id", required: true, maxLength: 128, minLength: 1, trim: false);

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
            var url = ReadUrl(body, required: true);
            return body.IsValid ? new MovieSource { Type = MovieSourceTypes.DirectLink, Url = url } : null;
        }
        var fileId = ReadFileId(body, required: true);
        var owner = ReadOwner(body);
        return body.IsValid ? new MovieSource { Type = MovieSourceTypes.GoogleDrive, FileId = fileId, Owner = owner } : null;
    }

    public static PlaybackCommand? ReadPlayback(PayloadReader body)
    {
        var status = body.String("status", required: true, maxLength: 16, trim: false);
        if (status is not null && status is not (PlaybackStatus.Playing or PlaybackStatus.Paused))
            body.Fail("status", "must be \"playing\" or \"paused\".");
        var position = body.Number("position", required: true);
        if (position < 0) body.Fail("position", "must be 0 or more.");
        var rate = body.Number("rate");
        if (rate is < PlaybackRules.MinRate or > PlaybackRules.MaxRate)
            body.Fail("rate", $"must be between {PlaybackRules.MinRate} and {PlaybackRules.MaxRate}.");
        var baseVersion = body.Integer("base_version", min: 0);
        if (!body.IsValid) return null;
        return new PlaybackCommand { Status = status!, Position = position!.Value, Rate = rate, BaseVersion = baseVersion };
    }

    public static string? ReadRoomId(PayloadReader body)
    {
        var roomId = body.String("room_id", required: true, maxLength: 64, trim: false);
        if (roomId is not null && !RoomIds.IsWellFormed(roomId))
        {
            body.Fail("room_id", "is not a room id.");
            return null;
        }
        return roomId;
    }

    public static string? ReadPassword(PayloadReader body) =>
        body.String("password", maxLength: TextRules.PasswordMaxLength);

    private static string? ReadUrl(PayloadReader reader, bool required)
    {
        var text = reader.String("url", required, maxLength: UrlMaxLength, minLength: required ? 1 : 0);
        if (text is null) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return text;
        reader.Fail("url", "must be an absolute http or https URL.");
        return null;
    }

    private static string? ReadFileId(PayloadReader reader, bool required)
    {
        var fileId = reader.String("file_id", required, maxLength: 256, minLength: required ? 1 : 0, trim: false);
        if (fileId is null || fileId.Length == 0) return null;
        if (fileId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return fileId;
        reader.Fail("file_id", "is not a Drive file id.");
        return null;
    }

    private static string ReadOwner(PayloadReader reader)
    {
        var owner = reader.String("owner", maxLength: 16) ?? "service";
        if (owner is "service" or "user") return owner;
        reader.Fail("owner", "must be \"user\" or \"service\".");
        return "service";
    }
}

namespace CinemaSync.Contracts;

/// <summary>The ranges of a room's settings (<c>settings</c> of a new room, <c>update_settings</c>).</summary>
public static class SettingsValues
{
    public const int MinParticipants = 2, MaxParticipants = 1000;
    public const int MinBufferTimeoutMs = 1000, MaxBufferTimeoutMs = 60000;
    public const int MinHostGraceMs = 5000, MaxHostGraceMs = 600000;

    public static string? MaxParticipantsProblem(long value) => ValueRules.Between(value, MinParticipants, MaxParticipants);
    public static string? BufferTimeoutProblem(long value) => ValueRules.Between(value, MinBufferTimeoutMs, MaxBufferTimeoutMs);
    public static string? HostGraceProblem(long value) => ValueRules.Between(value, MinHostGraceMs, MaxHostGraceMs);

    /// <summary>A room's settings, new or after a patch was merged in.</summary>
    public static string? Check(RoomSettings settings) => ValueRules.First(
        ("max_participants", MaxParticipantsProblem(settings.MaxParticipants)),
        ("buffer_timeout_ms", BufferTimeoutProblem(settings.BufferTimeoutMs)),
        ("host_grace_ms", HostGraceProblem(settings.HostGraceMs)));
}

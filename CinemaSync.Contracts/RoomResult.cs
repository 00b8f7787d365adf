namespace CinemaSync.Contracts;

/// <summary>The outcome of a room command: a value, or an error code with a human message.</summary>
/// <remarks>A refused playback update (<c>stale_version</c>) still carries the current state in <see cref="Value"/>.</remarks>
[GenerateSerializer, Immutable]
public sealed record RoomResult<T>
{
    [Id(0)] public T? Value { get; init; }
    [Id(1)] public string? Error { get; init; }
    [Id(2)] public string? Message { get; init; }

    public bool IsOk => Error is null;

    public static RoomResult<T> Ok(T value) => new() { Value = value };
    public static RoomResult<T> Fail(string error, string message, T? value = default) =>
        new() { Error = error, Message = message, Value = value };
}

/// <summary>A command that returns nothing on success.</summary>
[GenerateSerializer, Immutable]
public sealed record Done
{
    public static readonly Done Value = new();
}

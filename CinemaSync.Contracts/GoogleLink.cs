namespace CinemaSync.Contracts;

/// <summary>
/// A user's Google account link. <see cref="ProtectedTokens"/> is ciphertext made by the web node
/// (ASP.NET Core Data Protection); grains never see the tokens in clear.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GoogleLink
{
    [Id(0)] public required string ProtectedTokens { get; init; }
    [Id(1)] public string? Email { get; init; }
    [Id(2)] public long ConnectedAt { get; init; }
}

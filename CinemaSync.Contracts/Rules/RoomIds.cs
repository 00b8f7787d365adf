using System.Security.Cryptography;

namespace CinemaSync.Contracts;

/// <summary>Short, URL-safe, random room codes.</summary>
public static class RoomIds
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public const int Length = 10;
    public const int MaxLength = 64;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>A room id as a client may send it: 1..64 URL-safe characters.</summary>
    public static bool IsWellFormed(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string? Problem(string id) => IsWellFormed(id) ? null : "is not a room id.";
}

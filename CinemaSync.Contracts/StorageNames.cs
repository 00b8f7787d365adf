namespace CinemaSync.Contracts;

/// <summary>Names that end up in storage. Never rename one: stored data is found by them.</summary>
public static class StorageNames
{
    /// <summary>The grain storage provider every CinemaSync grain persists to.</summary>
    public const string Default = "cinemasync";
}

/// <summary>State names: a table (SQLite) or a collection (MongoDB) each.</summary>
public static class StateNames
{
    public const string Room = "rooms";
    public const string User = "users";
    /// <summary>Pending Google OAuth <c>state</c> values, one per grain (single use, short-lived).</summary>
    public const string OAuthState = "oauth_states";
    /// <summary>ASP.NET Core Data Protection key ring, shared by every web node.</summary>
    public const string DataProtectionKeys = "dataprotection_keys";
    /// <summary>Cached Drive file metadata, one per (owner, file).</summary>
    public const string MovieMetadata = "movie_metadata";
    /// <summary>Drive files recently set as room videos (one list).</summary>
    public const string RecentMovies = "recent_movies";
}

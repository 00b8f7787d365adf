using MongoDB.Driver;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// <c>MONGODB_URI</c> and <c>MONGODB_DB_NAME</c> as <see cref="StorageSettings"/> read them, for the
/// grain storage and the MongoDB membership table.
/// </summary>
public sealed record MongoSettings(string Connection, string Database)
{
    public const string DefaultDatabase = "cinemasync";

    /// <summary>Hosts and database, never the credentials.</summary>
    public override string ToString() => $"{ConnectionStrings.MongoHosts(Connection)}/{Database}";
}

/// <summary>Connection strings as they may appear in logs and <c>/api/health</c>: without their secrets.</summary>
public static class ConnectionStrings
{
    private const string Hidden = "***";

    /// <summary>A StackExchange.Redis configuration string with <c>password=</c> (and <c>user=</c>) values hidden.</summary>
    public static string RedactRedis(string? connection) => string.Join(",",
        (connection ?? "").Split(',').Select(part =>
        {
            var equals = part.IndexOf('=');
            if (equals < 0) return part;
            var key = part[..equals].Trim();
            return key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("user", StringComparison.OrdinalIgnoreCase)
                ? $"{part[..equals]}={Hidden}"
                : part;
        }));

    /// <summary>The hosts of a MongoDB URI (never its user name, password or options); the URI is assumed valid.</summary>
    public static string MongoHosts(string uri)
    {
        var url = MongoUrl.Create(uri);
        return string.Join(",", url.Servers.Select(s => s.ToString()));
    }

    /// <summary>Why <c>MONGODB_URI</c> cannot be used, without echoing it (it may hold a password); null when it parses.</summary>
    public static string? MongoProblem(string uri)
    {
        try
        {
            MongoUrl.Create(uri);
            return null;
        }
        catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
        {
            return "MONGODB_URI is not a valid MongoDB connection string: use mongodb://[user:password@]host[:port][/database] " +
                   "or mongodb+srv://[user:password@]cluster-host, or unset MONGODB_URI to use the embedded store.";
        }
    }
}

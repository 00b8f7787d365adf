using MongoDB.Bson;
using MongoDB.Driver;

namespace CinemaSync.Grains.Hosting;

/// <summary><c>CINEMASYNC_DATA_DIR</c> exists (or can be created) and accepts a file.</summary>
public sealed class DataDirectoryCheck(string directory) : IStartupCheck
{
    public void Check()
    {
        var probe = Path.Combine(directory, $".write-check-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SettingException(
                $"CINEMASYNC_DATA_DIR={directory} is not a writable directory ({ex.GetType().Name}: {ex.Message}). " +
                "Set CINEMASYNC_DATA_DIR to a directory this process can create and write to.");
        }
    }
}

/// <summary>
/// The MongoDB server behind <c>MONGODB_URI</c> answers a ping within the start-up timeout.
/// Failing fast beats starting degraded: every room command needs the store, so a node that
/// started without it would accept connections and answer 500s; an orchestrator restarts a
/// process that exits. A store lost after start-up shows as <c>degraded</c> in <c>/api/health</c>.
/// </summary>
public sealed class MongoReachableCheck(MongoSettings mongo, TimeSpan timeout) : IStartupCheck
{
    public void Check()
    {
        var settings = MongoClientSettings.FromUrl(MongoUrl.Create(mongo.Connection));
        settings.ServerSelectionTimeout = timeout;
        settings.ConnectTimeout = timeout;
        settings.SocketTimeout = timeout;
        var hosts = ConnectionStrings.MongoHosts(mongo.Connection);
        using var client = new MongoClient(settings);
        try
        {
            client.GetDatabase(mongo.Database).RunCommand<BsonDocument>(new BsonDocument("ping", 1));
        }
        catch (MongoAuthenticationException)
        {
            throw new SettingException($"MONGODB_URI: the MongoDB server at {hosts} refused the user name or password. Fix the credentials in MONGODB_URI.");
        }
        catch (Exception ex) when (ex is TimeoutException or MongoConnectionException)
        {
            throw new SettingException(
                $"MONGODB_URI: no MongoDB server answered at {hosts} within {timeout.TotalSeconds:0.#} s. " +
                "Start MongoDB or fix the host in MONGODB_URI (or unset it to use the embedded store).");
        }
    }
}

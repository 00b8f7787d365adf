namespace CinemaSync.Tests.Storage;

/// <summary>
/// A fact that needs a MongoDB server: skipped, with the reason shown, unless
/// <c>CINEMASYNC_TEST_MONGODB_URI</c> is set.
/// </summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public const string EnvironmentVariable = "CINEMASYNC_TEST_MONGODB_URI";

    public MongoFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable)))
            Skip = $"{EnvironmentVariable} is not set; no MongoDB server to test against.";
    }
}

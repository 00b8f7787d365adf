using System.Reflection;

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

    /// <summary>
    /// Every fact of the contract class <paramref name="contract"/> is overridden in
    /// <paramref name="mongoTests"/> with this attribute (else it would run without a server and fail).
    /// </summary>
    public static void AssertGuardsEveryCase(Type contract, Type mongoTests)
    {
        var cases = contract
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .Select(m => m.Name)
            .ToList();
        var guarded = mongoTests
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<MongoFactAttribute>(inherit: false) is not null)
            .Select(m => m.Name)
            .ToHashSet();

        Assert.NotEmpty(cases);
        Assert.All(cases, name => Assert.Contains(name, guarded));
    }
}

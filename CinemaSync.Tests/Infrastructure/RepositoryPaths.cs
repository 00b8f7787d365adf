namespace CinemaSync.Tests.Infrastructure;

/// <summary>Files of the repository the tests read: found from the test assembly up to the folder with CinemaSync.sln.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CinemaSync.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No CinemaSync.sln above {AppContext.BaseDirectory}.");
    }
}

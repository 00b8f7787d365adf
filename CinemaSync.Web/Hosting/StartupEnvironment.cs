using System.Reflection;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// What start-up decides before the host is built: the environment when none is set, and the
/// <c>.env</c> file. Relative paths mean the directory the command was started in (<c>dotnet run</c>
/// keeps it: the project sets <c>RunWorkingDirectory</c>), for every way of starting the server.
/// </summary>
public static class StartupEnvironment
{
    /// <summary>Set by the launch profile, i.e. only under <c>dotnet run</c>: the environment when none is set.</summary>
    public const string RunEnvironmentVariable = "CINEMASYNC_RUN_ENVIRONMENT";

    /// <summary>
    /// The environment name to impose, or null for ASP.NET's own rule (<c>--environment</c>,
    /// <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>, else <c>Production</c>). Only when
    /// none of those is set does the launch profile's <see cref="RunEnvironmentVariable"/> apply:
    /// <c>dotnet run</c> is a developer's command and gets Development, while a deployment that
    /// forgets to name its environment runs the published DLL and gets Production, which refuses
    /// to start without a real <c>JWT_SECRET</c> and has no dev login: fail closed, not open.
    /// </summary>
    public static string? DefaultEnvironment(string[] args)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        if (!string.IsNullOrEmpty(commandLine["environment"])) return null;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))) return null;
        return Environment.GetEnvironmentVariable(RunEnvironmentVariable) is { Length: > 0 } run ? run : null;
    }

    /// <summary>
    /// Loads the first <c>.env</c> found: in the working directory, else (under <c>dotnet run</c>)
    /// beside the project, <c>CinemaSync.Web/.env</c>. Returns the file used, or null.
    /// </summary>
    public static string? LoadDotEnv()
    {
        foreach (var candidate in DotEnvCandidates())
        {
            if (!File.Exists(candidate)) continue;
            DotEnvFile.Load(candidate);
            return candidate;
        }
        return null;
    }

    public static IEnumerable<string> DotEnvCandidates()
    {
        yield return Path.GetFullPath(".env");
        var project = typeof(StartupEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CinemaSync.ProjectDirectory")?.Value;
        if (Environment.GetEnvironmentVariable(RunEnvironmentVariable) is { Length: > 0 } && project is { Length: > 0 } && Directory.Exists(project)) yield return Path.GetFullPath(Path.Combine(project, ".env"));
    }
}

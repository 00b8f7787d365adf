namespace CinemaSync.Web.Hosting;

/// <summary>
/// Reads <c>KEY=value</c> lines from a <c>.env</c> file into the environment, as the old backend
/// did. Variables already set in the real environment win.
/// </summary>
public static class DotEnvFile
{
    public static int Load(string path)
    {
        if (!File.Exists(path)) return 0;
        var loaded = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            var equals = line.IndexOf('=');
            if (equals <= 0) continue;
            var key = line[..equals].Trim();
            var value = Unquote(line[(equals + 1)..].Trim());
            if (Environment.GetEnvironmentVariable(key) is not null) continue;
            Environment.SetEnvironmentVariable(key, value);
            loaded++;
        }
        return loaded;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            return value[1..^1];
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        return comment >= 0 ? value[..comment].TrimEnd() : value;
    }
}

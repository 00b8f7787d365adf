using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CinemaSync.Grains.Hosting;

/// <summary>A bad setting: the message names the setting and says how to fix it.</summary>
public sealed class SettingException(string message) : Exception(message);

/// <summary>A check that runs once before the host starts (a data directory that must be writable, a store that must answer).</summary>
public interface IStartupCheck
{
    /// <summary>Throws <see cref="SettingException"/> when the setting it checks cannot work.</summary>
    void Check();
}

/// <summary>
/// Start-up of the web node and the silo: build the host (the builder calls <see cref="Check"/>
/// on the built services before it logs anything about them), then run it. A bad setting ends the
/// process with one line on standard error that names it, and exit code
/// <see cref="BadSettingExitCode"/>, instead of an unhandled exception's stack trace.
/// </summary>
public static partial class StartupGuard
{
    public const int BadSettingExitCode = 1;
    public const string Prefix = "CinemaSync cannot start: ";

    public static async Task<int> RunAsync(Func<IHost> build)
    {
        IHost host;
        try
        {
            host = build();
        }
        catch (Exception ex) when (Describe(ex) is { } line)
        {
            await Console.Error.WriteLineAsync(Prefix + line);
            return BadSettingExitCode;
        }
        await host.RunAsync();
        return 0;
    }

    /// <summary>Validates the options registered with <c>ValidateOnStart</c>, then runs the start-up checks.</summary>
    public static void Check(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        foreach (var check in services.GetServices<IStartupCheck>()) check.Check();
    }

    /// <summary>
    /// One line per bad setting (each after the first starts with <see cref="Prefix"/>); null for
    /// any other exception, which is a bug and keeps its stack trace. A setting reported by several
    /// options that depend on it is named once.
    /// </summary>
    public static string? Describe(Exception exception) =>
        Lines(exception) is { Count: > 0 } lines ? string.Join(Environment.NewLine + Prefix, lines.Distinct()) : null;

    private static List<string>? Lines(Exception exception) => exception switch
    {
        SettingException setting => [setting.Message],
        OptionsValidationException options => options.Failures.ToList(),
        InvalidOperationException when UnreadableValue(exception.Message) is { } line => [line],
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0
            => aggregate.InnerExceptions.Select(Lines).ToList() is var all && all.All(l => l is not null) ? all.SelectMany(l => l!).ToList() : null,
        _ => null,
    };

    /// <summary>
    /// The configuration binder's "Failed to convert configuration value 'x' at 'Section:Key' to type 'T'."
    /// as one line that names the setting and the form it takes.
    /// </summary>
    private static string? UnreadableValue(string message)
    {
        var match = BinderFailure().Match(message);
        if (!match.Success) return null;
        var type = match.Groups["type"].Value;
        var form = type switch
        {
            "System.TimeSpan" or "System.Nullable`1[System.TimeSpan]" => "a time span such as 00:00:30",
            "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
            "System.Int32" or "System.Nullable`1[System.Int32]" or "System.Int64" => "a whole number",
            "System.Double" => "a number such as 0.5",
            _ => $"a value of type {type}",
        };
        return $"{match.Groups["path"].Value} must be {form}, not '{match.Groups["value"].Value}'.";
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']+)' to type '(?<type>[^']+)'\.", RegexOptions.Singleline)]
    private static partial Regex BinderFailure();
}

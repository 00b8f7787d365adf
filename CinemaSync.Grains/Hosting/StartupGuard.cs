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
public static class StartupGuard
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
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0
            => aggregate.InnerExceptions.Select(Lines).ToList() is var all && all.All(l => l is not null) ? all.SelectMany(l => l!).ToList() : null,
        _ => null,
    };
}

/// <summary>How long a stopping process drains: <c>Shutdown:DrainTime</c> (the silo's older name <c>Orleans:ShutdownTimeout</c> still works), default 30 s.</summary>
public static class ShutdownSettings
{
    public static TimeSpan DrainTime(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var key = configuration["Shutdown:DrainTime"] is { Length: > 0 } ? "Shutdown:DrainTime"
            : configuration["Orleans:ShutdownTimeout"] is { Length: > 0 } ? "Orleans:ShutdownTimeout" : null;
        if (key is null) return TimeSpan.FromSeconds(30);
        return TimeSpan.TryParse(configuration[key], System.Globalization.CultureInfo.InvariantCulture, out var time) && time >= TimeSpan.Zero
            ? time
            : throw new SettingException($"{key} must be a time span such as 00:00:30, not '{configuration[key]}'.");
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CinemaSync.Grains.Hosting;

/// <summary>Options whose validation names each setting that is out of range.</summary>
public interface IValidatedSettings
{
    /// <summary>One sentence per setting out of range, naming it; empty when valid.</summary>
    IEnumerable<string> Problems();
}

/// <summary>
/// Settings with names outside their section: the environment variables of the backend CinemaSync
/// replaces (<c>MONGODB_URI</c>, <c>REDIS_CONNECTION</c>...), which win over the section's keys,
/// and retired names that must stop start-up instead of being ignored.
/// </summary>
public interface ISettingsWithAliases
{
    /// <summary>Called after the section is bound, with the whole configuration.</summary>
    void ReadAliases(IConfiguration configuration);
}

/// <summary>Fails start-up (with <c>ValidateOnStart</c>) with the sentences of <see cref="IValidatedSettings.Problems"/>.</summary>
public sealed class SettingsValidator<T> : IValidateOptions<T> where T : class, IValidatedSettings
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class SettingsValidation
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> (then its aliases, see
    /// <see cref="ISettingsWithAliases"/>) and checks it when the host starts.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IValidatedSettings
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, SettingsValidator<T>>());
        return services.AddOptions<T>()
            .Bind(configuration.GetSection(section))
            .Configure(o => (o as ISettingsWithAliases)?.ReadAliases(configuration))
            .ValidateOnStart();
    }

    /// <summary>
    /// The same settings, bound and validated now: for what decides how the host is built (which
    /// store, which clustering, which ports). Invalid settings throw the
    /// <see cref="OptionsValidationException"/> <c>ValidateOnStart</c> would, one failure per setting.
    /// </summary>
    public static T ReadValidatedSettings<T>(this IConfiguration configuration, string section)
        where T : class, IValidatedSettings, new()
    {
        var settings = new T();
        configuration.GetSection(section).Bind(settings);
        (settings as ISettingsWithAliases)?.ReadAliases(configuration);
        var problems = settings.Problems().ToList();
        return problems.Count == 0 ? settings : throw new OptionsValidationException(section, typeof(T), problems);
    }
}

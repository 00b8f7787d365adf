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
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and checks it when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IValidatedSettings
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, SettingsValidator<T>>());
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}

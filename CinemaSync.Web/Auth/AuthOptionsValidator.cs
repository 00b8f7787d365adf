using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Auth;

/// <summary>
/// The JWT secret and dev login against the environment, one message per bad setting. Only
/// Development gets the built-in secret and dev login by default; elsewhere <c>JWT_SECRET</c>
/// must be a strong secret, and Production refuses <c>Auth:DevLogin=true</c>.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public const int MinimumSecretLength = 32;
    private const int MinimumDistinctCharacters = 10;
    private const string HowToMakeOne = "set it to at least 32 random characters, e.g. the output of `openssl rand -base64 48`";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        var secret = options.JwtSecret;
        if (secret.Length == 0)
            failures.Add($"JWT_SECRET is not set: outside Development it is required (this is {environment.EnvironmentName}); {HowToMakeOne}.");
        else if (secret == AuthOptions.DevelopmentSecret && !environment.IsDevelopment())
            failures.Add($"JWT_SECRET is the built-in development secret, which anyone can read in the source; {HowToMakeOne}.");
        else if (secret.Length < MinimumSecretLength || secret.Distinct().Count() < MinimumDistinctCharacters)
            failures.Add($"JWT_SECRET is too weak ({secret.Length} characters, {secret.Distinct().Count()} different); {HowToMakeOne}.");
        if (options.DevLogin == true && environment.IsProduction())
            failures.Add("Auth:DevLogin=true is refused in Production: anyone could sign in as anyone. Remove Auth__DevLogin (or set it to false) and sign in with Firebase.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using System.Text.Json;

namespace CinemaSync.Web.Auth;

/// <summary>
/// Firebase ID token verification, and the web config the watch page signs in with. The variable
/// names win over the <c>Firebase:*</c> keys: <c>FIREBASE_PROJECT_ID</c>, <c>FIREBASE_SERVICE_ACCOUNT_KEY</c>
/// (a key file the project id is read from), <c>FIREBASE_JWKS_URL</c>, <c>FIREBASE_AUTH_EMULATOR_HOST</c>,
/// <c>FIREBASE_API_KEY</c>, <c>FIREBASE_AUTH_DOMAIN</c>, <c>FIREBASE_SIGN_IN_PROVIDERS</c>.
/// </summary>
public sealed class FirebaseOptions
{
    public const string Section = "Firebase";
    public const string DefaultJwksUrl = "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

    public string ProjectId { get; set; } = "";
    public string ServiceAccountKey { get; set; } = "";
    public string JwksUrl { get; set; } = DefaultJwksUrl;

    /// <summary>
    /// The Firebase Auth emulator (<c>host:port</c>, or a URL): the watch page signs in against it,
    /// and unsigned (<c>alg: none</c>) emulator tokens are accepted. Refused in Production.
    /// </summary>
    public string AuthEmulatorHost { get; set; } = "";

    /// <summary>
    /// The Firebase web app's API key (Firebase console → Project settings → Your apps). Public by
    /// design: it names the project to Firebase Auth and grants nothing. The page needs it to sign in.
    /// </summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The domain of the sign-in popup and redirect; empty: <c>&lt;project id&gt;.firebaseapp.com</c>.</summary>
    public string AuthDomain { get; set; } = "";

    /// <summary>Sign-in methods the page offers, comma-separated: <c>google</c> and <c>password</c> (e-mail and password).</summary>
    public string SignInProviders { get; set; } = "google";

    public static readonly IReadOnlyList<string> KnownSignInProviders = ["google", "password"];

    /// <summary>Tolerance for <c>exp</c>, <c>iat</c> and <c>auth_time</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long fetched keys are kept when the JWKS response has no <c>Cache-Control: max-age</c>.</summary>
    public TimeSpan KeysDefaultLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The JWKS is fetched at most once per this interval (an unknown <c>kid</c> triggers a fetch).</summary>
    public TimeSpan KeysRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => ProjectId.Length > 0;
    public bool EmulatorEnabled => AuthEmulatorHost.Length > 0;
    public string Issuer => "https://securetoken.google.com/" + ProjectId;

    /// <summary>The page can sign in with Firebase: the server verifies the project's tokens and has its web API key.</summary>
    public bool WebSignInConfigured => IsConfigured && ApiKey.Length > 0;

    public string EffectiveAuthDomain => AuthDomain.Length > 0 ? AuthDomain : ProjectId + ".firebaseapp.com";

    public IReadOnlyList<string> Providers =>
        SignInProviders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant()).Distinct().ToList();

    /// <summary>The emulator's base URL for the page's <c>connectAuthEmulator</c> (Firebase's convention: <c>host:port</c> means http).</summary>
    public string? AuthEmulatorUrl => !EmulatorEnabled ? null
        : AuthEmulatorHost.Contains("://", StringComparison.Ordinal) ? AuthEmulatorHost.TrimEnd('/') : "http://" + AuthEmulatorHost.TrimEnd('/');

    /// <summary>The <c>project_id</c> of a Google service account key file.</summary>
    public static string ReadProjectId(string keyFile)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(keyFile));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("project_id", out var id)
                && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } projectId)
                return projectId;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"FIREBASE_SERVICE_ACCOUNT_KEY: cannot read the key file '{keyFile}': {ex.Message}", ex);
        }
        throw new InvalidOperationException($"FIREBASE_SERVICE_ACCOUNT_KEY: the key file '{keyFile}' has no project_id.");
    }
}

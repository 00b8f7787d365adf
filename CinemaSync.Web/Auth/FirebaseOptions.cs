using System.Text.Json;

namespace CinemaSync.Web.Auth;

/// <summary>
/// Firebase ID token verification. The old variable names win over the <c>Firebase:*</c> keys:
/// <c>FIREBASE_PROJECT_ID</c>, <c>FIREBASE_SERVICE_ACCOUNT_KEY</c> (a key file the project id is
/// read from), <c>FIREBASE_JWKS_URL</c>, <c>FIREBASE_AUTH_EMULATOR_HOST</c>.
/// </summary>
public sealed class FirebaseOptions
{
    public const string Section = "Firebase";
    public const string DefaultJwksUrl = "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

    public string ProjectId { get; set; } = "";
    public string ServiceAccountKey { get; set; } = "";
    public string JwksUrl { get; set; } = DefaultJwksUrl;

    /// <summary>When set, unsigned (<c>alg: none</c>) emulator tokens are accepted. Refused in Production.</summary>
    public string AuthEmulatorHost { get; set; } = "";

    /// <summary>Tolerance for <c>exp</c>, <c>iat</c> and <c>auth_time</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long fetched keys are kept when the JWKS response has no <c>Cache-Control: max-age</c>.</summary>
    public TimeSpan KeysDefaultLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The JWKS is fetched at most once per this interval (an unknown <c>kid</c> triggers a fetch).</summary>
    public TimeSpan KeysRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => ProjectId.Length > 0;
    public bool EmulatorEnabled => AuthEmulatorHost.Length > 0;
    public string Issuer => "https://securetoken.google.com/" + ProjectId;

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

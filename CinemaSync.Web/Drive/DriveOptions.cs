namespace CinemaSync.Web.Drive;

/// <summary>
/// Google Drive. The old variable names win over the <c>Drive:*</c> keys:
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c> (service account key file) and <c>GOOGLE_DRIVE_BASE_URL</c>.
/// </summary>
public sealed class DriveOptions
{
    public const string Section = "Drive";
    public const string DefaultBaseUrl = "https://www.googleapis.com/drive/v3";
    public const string ReadOnlyScope = "https://www.googleapis.com/auth/drive.readonly";

    /// <summary>Drive v3 API root, without a trailing slash.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Service account key JSON; empty: no service-account catalogue (movies answer 503 <c>not_configured</c>).</summary>
    public string CredentialsPath { get; set; } = "";

    /// <summary>How long cached file metadata is served without asking Drive again.</summary>
    public TimeSpan MetadataTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tries per Drive call on 429, 5xx and network errors (the first included).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Backoff before the second try; doubled for each further one (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A longer <c>Retry-After</c> is not waited for: the call fails with <c>drive_error</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Until Drive's response headers arrive (the body of a stream is not limited).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections to Drive for metadata and listings (their own pool: streams never take these).</summary>
    public int MaxConnections { get; set; } = 256;

    public bool ServiceAccountConfigured => CredentialsPath.Length > 0;
}

/// <summary>The stream proxy (<c>Stream:*</c>).</summary>
public sealed class StreamOptions
{
    public const string Section = "Stream";

    /// <summary>How long a stream URL from <c>/api/rooms/{id}/stream-url</c> works.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The copy buffer per stream: memory per stream is about this, whatever the file size.</summary>
    public int BufferSize { get; set; } = 256 * 1024;

    /// <summary>Streams one viewer may have open at once on this node; one more answers 429 <c>rate_limited</c>. 0 turns the cap off.</summary>
    public int MaxConcurrentPerViewer { get; set; } = 3;

    /// <summary>Connections to Drive for stream bytes: a pool of their own, so slow streams cannot starve metadata calls.</summary>
    public int MaxConnections { get; set; } = 256;
}

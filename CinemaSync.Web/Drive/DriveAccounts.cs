using CinemaSync.Contracts;
using CinemaSync.Web.GoogleOAuth;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

/// <summary>Whose Drive a call reads, and how its access token is had (and refreshed once when Drive refuses it).</summary>
public sealed class DriveAccess(string owner, string? userId, Func<bool, CancellationToken, Task<string>> token)
{
    /// <summary>"service" or "user".</summary>
    public string Owner { get; } = owner;
    /// <summary>With owner "user": the user whose OAuth token is used.</summary>
    public string? UserId { get; } = userId;

    public Task<string> TokenAsync(CancellationToken ct) => token(false, ct);
    public Task<string> RefreshedTokenAsync(CancellationToken ct) => token(true, ct);
}

/// <summary>
/// Drive credentials: the service account of <c>GOOGLE_APPLICATION_CREDENTIALS</c> (Google.Apis.Auth,
/// scope drive.readonly; it signs a JWT and trades it at the key's <c>token_uri</c>), or a user's
/// OAuth tokens through <see cref="GoogleAccountService"/>. Failures become <see cref="DriveException"/>s.
/// </summary>
public sealed class DriveAccounts(IOptions<DriveOptions> options, GoogleAccountService google, ILogger<DriveAccounts> log)
{
    private readonly Lazy<GoogleCredential> _service = new(() =>
        CredentialFactory.FromFile<ServiceAccountCredential>(options.Value.CredentialsPath)
            .ToGoogleCredential()
            .CreateScoped(DriveOptions.ReadOnlyScope));

    public bool ServiceAccountConfigured => options.Value.ServiceAccountConfigured;

    /// <exception cref="DriveException"><c>not_configured</c> without a service account.</exception>
    public DriveAccess Service()
    {
        if (!ServiceAccountConfigured)
            throw new DriveException(ErrorCodes.NotConfigured, "No Drive service account is configured on this server (GOOGLE_APPLICATION_CREDENTIALS).");
        return new DriveAccess(MovieOwners.Service, null, ServiceTokenAsync);
    }

    public DriveAccess User(string userId) =>
        new(MovieOwners.User, userId, (refresh, ct) => UserTokenAsync(userId, refresh, ct));

    public DriveAccess For(string owner, string? userId) =>
        owner == MovieOwners.User ? User(userId ?? throw new ArgumentNullException(nameof(userId))) : Service();

    private async Task<string> ServiceTokenAsync(bool refresh, CancellationToken ct)
    {
        try
        {
            var credential = _service.Value.UnderlyingCredential;
            if (refresh && credential is ServiceCredential service && await service.RequestAccessTokenAsync(ct))
                return service.Token.AccessToken;
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: ct);
        }
        catch (Exception ex) when (ex is TokenResponseException or HttpRequestException or IOException or InvalidOperationException
                                       or ArgumentException or Newtonsoft.Json.JsonException
                                   || ex is TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "The Drive service account could not get an access token");
            throw new DriveException(ErrorCodes.DriveError, "The Drive service account could not get an access token.", inner: ex);
        }
    }

    private async Task<string> UserTokenAsync(string userId, bool refresh, CancellationToken ct)
    {
        try
        {
            return await google.GetAccessTokenAsync(userId, ct, forceRefresh: refresh);
        }
        catch (GoogleNotConnectedException ex)
        {
            throw new DriveException(ErrorCodes.GoogleNotConnected, ex.Message, inner: ex);
        }
        catch (GoogleTokenUnavailableException ex)
        {
            throw new DriveException(ErrorCodes.DriveError, ex.Message, inner: ex);
        }
    }
}

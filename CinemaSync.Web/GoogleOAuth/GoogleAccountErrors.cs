namespace CinemaSync.Web.GoogleOAuth;

/// <summary>
/// The user has no usable Google link: never connected, disconnected, or Google refused the
/// refresh token (<c>invalid_grant</c>: revoked or expired), in which case the stored tokens are
/// gone too. Maps to <c>google_not_connected</c>.
/// </summary>
public sealed class GoogleNotConnectedException(string message = "Connect your Google account first.") : Exception(message);

/// <summary>Google's token endpoint could not be used (network, 5xx, a misconfigured client). The link is kept.</summary>
public sealed class GoogleTokenUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

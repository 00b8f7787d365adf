using CinemaSync.Web.Auth;
using CinemaSync.Web.Drive;
using CinemaSync.Web.GoogleOAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Api;

/// <summary>
/// <c>GET /api/config</c> (anonymous): what a front end needs to know before anyone signs in —
/// which sign-in methods this server offers (development sign-in, Firebase with its public web
/// config) and whether Google features are set up. Nothing secret: the Firebase API key is
/// public by design.
/// </summary>
public static class ConfigApi
{
    public sealed record FirebaseWebConfig(
        string ApiKey, string AuthDomain, string ProjectId, IReadOnlyList<string> SignInProviders, string? AuthEmulatorUrl);

    public sealed record ConfigBody(bool DevLogin, FirebaseWebConfig? Firebase, bool GoogleOauth, bool GoogleDrive);

    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/config", Get).AllowAnonymous().WithTags("Config");
        return app;
    }

    private static Ok<ConfigBody> Get(
        IOptions<AuthOptions> auth, IOptions<FirebaseOptions> firebase, IOptions<GoogleOAuthOptions> google, IOptions<DriveOptions> drive)
    {
        var f = firebase.Value;
        var web = f.WebSignInConfigured
            ? new FirebaseWebConfig(f.ApiKey, f.EffectiveAuthDomain, f.ProjectId, f.Providers, f.AuthEmulatorUrl)
            : null;
        return TypedResults.Ok(new ConfigBody(auth.Value.DevLogin == true, web, google.Value.IsConfigured, drive.Value.ServiceAccountConfigured));
    }
}

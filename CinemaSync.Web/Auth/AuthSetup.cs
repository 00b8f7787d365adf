using CinemaSync.Contracts;
using CinemaSync.Web.Api;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Web.Auth;

public static class AuthSetup
{
    /// <summary>Backend JWT bearer auth for REST and the hub (header or <c>access_token</c> query).</summary>
    public static WebApplicationBuilder AddCinemaSyncAuth(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var environment = builder.Environment;
        builder.Services.AddOptions<AuthOptions>()
            .Bind(config.GetSection(AuthOptions.Section))
            .Configure(o =>
            {
                if (config["JWT_SECRET"] is { Length: > 0 } secret) o.JwtSecret = secret;
                o.DevLogin ??= environment.IsDevelopment();
                if (o.JwtSecret.Length == 0 && environment.IsDevelopment()) o.JwtSecret = AuthOptions.DevelopmentSecret;
            })
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Auth:TokenLifetime must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>>(new AuthOptionsValidator(environment));

        builder.Services.AddSingleton<BackendTokens>();
        builder.AddCinemaSyncFirebase();
        builder.AddCinemaSyncRateLimits();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var o = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = o.Issuer,
                    ValidAudience = o.Audience,
                    IssuerSigningKey = BackendTokens.KeyFor(o.JwtSecret),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "name",
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        // Browsers cannot set headers on WebSockets: SignalR sends the token in the query.
                        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            && context.Request.Query["access_token"] is { Count: > 0 } token)
                            context.Token = token;
                        return Task.CompletedTask;
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var problem = Problems.Error(ErrorCodes.Unauthorized, "A valid bearer token is required.");
                        await problem.ExecuteAsync(context.HttpContext);
                    },
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>Firebase ID token verification for <c>POST /api/auth/exchange</c>.</summary>
    private static WebApplicationBuilder AddCinemaSyncFirebase(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<FirebaseOptions>()
            .Bind(config.GetSection(FirebaseOptions.Section))
            .Configure(o =>
            {
                if (config["FIREBASE_PROJECT_ID"] is { Length: > 0 } projectId) o.ProjectId = projectId;
                if (config["FIREBASE_SERVICE_ACCOUNT_KEY"] is { Length: > 0 } keyFile) o.ServiceAccountKey = keyFile;
                if (config["FIREBASE_JWKS_URL"] is { Length: > 0 } jwks) o.JwksUrl = jwks;
                if (config["FIREBASE_AUTH_EMULATOR_HOST"] is { Length: > 0 } emulator) o.AuthEmulatorHost = emulator;
                if (config["FIREBASE_API_KEY"] is { Length: > 0 } apiKey) o.ApiKey = apiKey;
                if (config["FIREBASE_AUTH_DOMAIN"] is { Length: > 0 } authDomain) o.AuthDomain = authDomain;
                if (config["FIREBASE_SIGN_IN_PROVIDERS"] is { Length: > 0 } providers) o.SignInProviders = providers;
                if (o.ProjectId.Length == 0 && o.ServiceAccountKey.Length > 0) o.ProjectId = FirebaseOptions.ReadProjectId(o.ServiceAccountKey);
            })
            .Validate(o => isDevelopment || !o.EmulatorEnabled,
                "FIREBASE_AUTH_EMULATOR_HOST is set outside Development: the Firebase Auth emulator's unsigned tokens would be accepted. Unset it (or run with ASPNETCORE_ENVIRONMENT=Development).")
            .Validate(o => Uri.TryCreate(o.JwksUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp),
                "FIREBASE_JWKS_URL must be an absolute http(s) URL.")
            .Validate(o => o.AuthEmulatorUrl is null
                           || (Uri.TryCreate(o.AuthEmulatorUrl, UriKind.Absolute, out var e) && (e.Scheme == Uri.UriSchemeHttp || e.Scheme == Uri.UriSchemeHttps)),
                "FIREBASE_AUTH_EMULATOR_HOST must be host:port (e.g. 127.0.0.1:9099) or an http(s) URL.")
            .Validate(o => o.Providers.Count > 0 && o.Providers.All(FirebaseOptions.KnownSignInProviders.Contains),
                $"FIREBASE_SIGN_IN_PROVIDERS must list one or more of: {string.Join(", ", FirebaseOptions.KnownSignInProviders)} (comma-separated).")
            .Validate(o => o.ClockSkew >= TimeSpan.Zero && o.ClockSkew <= TimeSpan.FromMinutes(5), "Firebase:ClockSkew must be between 0 and 5 minutes.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(FirebaseSigningKeys.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<FirebaseSigningKeys>();
        builder.Services.AddSingleton<FirebaseTokenVerifier>();
        return builder;
    }

    /// <summary>The loud warning the design asks for when the development secret is in use, and how sign-in is set up.</summary>
    public static void LogAuthConfiguration(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.JwtSecret == AuthOptions.DevelopmentSecret)
            app.Logger.LogWarning("JWT_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can mint tokens for this server. Set JWT_SECRET before exposing it.");
        var firebase = app.Services.GetRequiredService<IOptions<FirebaseOptions>>().Value;
        if (!firebase.IsConfigured)
            app.Logger.LogInformation("Firebase sign-in is off: set FIREBASE_PROJECT_ID or FIREBASE_SERVICE_ACCOUNT_KEY to enable POST /api/auth/exchange.");
        else if (!firebase.WebSignInConfigured)
            app.Logger.LogWarning("Firebase tokens are accepted, but the watch page cannot sign in with Firebase: set FIREBASE_API_KEY (the Firebase web app's API key).");
        if (!firebase.WebSignInConfigured && app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevLogin != true)
            app.Logger.LogWarning("Nobody can sign in on the watch page: development sign-in is off and Firebase is not configured (FIREBASE_PROJECT_ID and FIREBASE_API_KEY).");
        if (firebase.EmulatorEnabled)
            app.Logger.LogWarning("FIREBASE_AUTH_EMULATOR_HOST is set: unsigned Firebase emulator tokens are accepted. Never use this outside development.");
    }
}

using CinemaSync.Grains.Abstractions;
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
        var isProduction = builder.Environment.IsProduction();
        builder.Services.AddOptions<AuthOptions>()
            .Bind(config.GetSection(AuthOptions.Section))
            .Configure(o =>
            {
                if (config["JWT_SECRET"] is { Length: > 0 } secret) o.JwtSecret = secret;
                o.DevLogin ??= !isProduction;
            })
            .Validate(o => !(isProduction && (o.JwtSecret.Length == 0 || o.JwtSecret == AuthOptions.DevelopmentSecret)),
                "JWT_SECRET must be set to a strong random secret in Production; refusing to start.")
            .PostConfigure(o =>
            {
                if (o.JwtSecret.Length == 0 && !isProduction) o.JwtSecret = AuthOptions.DevelopmentSecret;
            })
            .Validate(o => o.JwtSecret.Length >= 32, "JWT_SECRET must be at least 32 characters.")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Auth:TokenLifetime must be positive.")
            .ValidateOnStart();

        builder.Services.AddSingleton<BackendTokens>();
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

    /// <summary>The loud warning the design asks for when the development secret is in use.</summary>
    public static void WarnAboutDevelopmentSecret(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.JwtSecret == AuthOptions.DevelopmentSecret)
            app.Logger.LogWarning("JWT_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can mint tokens for this server. Set JWT_SECRET before exposing it.");
    }
}

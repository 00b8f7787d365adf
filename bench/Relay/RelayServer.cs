using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CinemaSync.HubProtocol;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CinemaSync.Bench.Relay;

/// <summary>
/// Builds and starts the relay. Authentication is real: HS256 JWTs issued by /api/auth/dev and
/// validated by JwtBearer (header or access_token query on /hubs), as the real server does, so
/// that CPU comparisons include the same per-connection token validation.
/// </summary>
public static class RelayServer
{
    public const string DefaultUrls = "http://127.0.0.1:0";
    private const string Issuer = "cinemasync";
    private const string Audience = "cinemasync";
    private const string DevSecret = "cinemasync-bench-relay-dev-secret-0123456789abcdef";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var noDelay = new NoDelayCounter();
        builder.Services.AddSingleton(noDelay);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            noDelay.Check(connection.Features.Get<IConnectionSocketFeature>()?.Socket);
            return next(connection);
        })));

        string secret = builder.Configuration["JWT_SECRET"] is { Length: >= 32 } s ? s : DevSecret;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
        var tokens = new TokenIssuer(key);
        builder.Services.AddSingleton(tokens);
        builder.Services.AddSingleton<RelayState>();
        builder.Services.AddSingleton(new RelayFaults(
            builder.Configuration.GetValue<int>("Relay:DropEvery"),
            builder.Configuration.GetValue<int>("Relay:DuplicateEvery")));
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Audience,
                    IssuerSigningKey = key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        string? token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSignalR()
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
            .AddJsonShapedMessagePack();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        MapApi(app);
        app.MapHub<RelayHub>("/hubs/room");
        return app;
    }

    /// <summary>Starts the relay and returns it with its bound base URL (the first address).</summary>
    public static async Task<(WebApplication App, string Url)> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var app = Build(args);
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        string url = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("the relay bound no address");
        return (app, url.TrimEnd('/'));
    }

    private static void MapApi(WebApplication app)
    {
        app.MapPost("/api/auth/dev", (DevLoginRequest? request, TokenIssuer tokens, RelayState state) =>
        {
            string name = string.IsNullOrWhiteSpace(request?.DisplayName) ? "guest" : request.DisplayName.Trim();
            string userId = "dev-" + RelayState.NewId(12);
            state.Remember(userId, name);
            var (token, expiresAt) = tokens.Issue(userId, name);
            return TypedResults.Ok(new DevLoginResponse(token, expiresAt, new UserDto(userId, name, null, null)));
        });

        var rooms = app.MapGroup("/api/rooms").RequireAuthorization();
        rooms.MapPost("", (JsonElement body, ClaimsPrincipal user, RelayState state) =>
        {
            string hostId = user.FindFirst("sub")!.Value;
            string name = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()! : "room";
            bool isPrivate = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("is_private", out var p) && p.ValueKind == JsonValueKind.True;
            var movie = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("movie_source", out var m) ? m : default;
            int max = 50;
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("settings", out var s) && s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("max_participants", out var mp) && mp.TryGetInt32(out int requested))
            {
                max = requested;
            }
            var settings = JsonSerializer.SerializeToElement(new { chat_enabled = true, reactions_enabled = true, max_participants = max });
            var room = state.CreateRoom(hostId, name, isPrivate, movie, settings, max);
            RoomDto snapshot;
            lock (room.Gate)
            {
                snapshot = room.Snapshot();
            }
            return TypedResults.Created($"/api/rooms/{room.RoomId}", snapshot);
        });
        rooms.MapGet("/{roomId}", IResult (string roomId, RelayState state) =>
        {
            var room = state.Find(roomId);
            if (room is null)
            {
                return TypedResults.Problem(statusCode: 404, title: "room not found", extensions: new Dictionary<string, object?> { ["error"] = "room_not_found" });
            }
            lock (room.Gate)
            {
                return TypedResults.Ok(room.Snapshot());
            }
        });

        // Not part of the contract: what the relay read back from its accepted sockets, for the load tester's report.
        app.MapGet("/bench/nodelay", (NoDelayCounter counter) => TypedResults.Ok(new { accepted = counter.Accepted, no_delay = counter.NoDelayOn }));
    }

    public sealed record DevLoginRequest(string? DisplayName);
    public sealed record UserDto(string UserId, string DisplayName, string? Email, string? PhotoUrl);
    public sealed record DevLoginResponse(string Token, long ExpiresAt, UserDto User);

    public sealed class TokenIssuer(SecurityKey key)
    {
        private readonly JsonWebTokenHandler _handler = new();
        private readonly SigningCredentials _credentials = new(key, SecurityAlgorithms.HmacSha256);

        public (string Token, long ExpiresAt) Issue(string userId, string displayName)
        {
            var expires = DateTime.UtcNow.AddHours(24);
            string token = _handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = Audience,
                Expires = expires,
                IssuedAt = DateTime.UtcNow,
                Claims = new Dictionary<string, object> { ["sub"] = userId, ["name"] = displayName },
                SigningCredentials = _credentials,
            });
            return (token, new DateTimeOffset(expires).ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Counts accepted sockets and how many have TCP_NODELAY on, read back with getsockopt.</summary>
    public sealed class NoDelayCounter
    {
        private long _accepted;
        private long _noDelayOn;
        public long Accepted => Interlocked.Read(ref _accepted);
        public long NoDelayOn => Interlocked.Read(ref _noDelayOn);

        public void Check(Socket? socket)
        {
            if (socket is null)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            if (socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay) is int on && on != 0)
            {
                Interlocked.Increment(ref _noDelayOn);
            }
        }
    }
}

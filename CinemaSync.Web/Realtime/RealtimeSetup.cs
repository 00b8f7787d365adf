using CinemaSync.Grains.Hosting;
using CinemaSync.HubProtocol;
using CinemaSync.Web.Api;
using CinemaSync.Web.Rooms;
using Microsoft.AspNetCore.SignalR;

namespace CinemaSync.Web.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddCinemaSyncRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<RealtimeOptions>(builder.Configuration, RealtimeOptions.Section);
        builder.Services.AddSingleton<RoomHubFilter>();
        builder.Services.AddSignalR(o => o.AddFilter<RoomHubFilter>()).AddJsonProtocol(o => CinemaSyncJson.Configure(o.PayloadSerializerOptions))
            .AddJsonShapedMessagePack();
        builder.Services.AddValidatedSettings<RateLimitOptions>(builder.Configuration, RateLimitOptions.Section);
        builder.Services.AddSingleton<HubRateLimiter>();
        builder.Services.AddSingleton<InviteTokens>();
        builder.Services.AddSingleton<RoomGateway>();
        builder.Services.AddSingleton<LocalConnections>();
        builder.Services.AddSingleton<NodeRoomObserver.Factory>();
        builder.Services.AddSingleton<RoomSubscriptions>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoomSubscriptions>());
        return builder;
    }

    /// <summary>
    /// The hub at <see cref="RoomHub.Path"/>. A connection is closed when its token expires, so it
    /// stops receiving room events then (a new token means a new connection).
    /// </summary>
    public static IEndpointRouteBuilder MapCinemaSyncRealtime(this IEndpointRouteBuilder app)
    {
        app.MapHub<RoomHub>(RoomHub.Path, hub =>
        {
            hub.AllowStatefulReconnects = true;
            hub.CloseOnAuthenticationExpiration = true;
        });
        return app;
    }
}

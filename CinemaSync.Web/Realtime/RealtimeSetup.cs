using CinemaSync.Web.Api;
using CinemaSync.Web.Rooms;

namespace CinemaSync.Web.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddCinemaSyncRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeOptions>().Bind(builder.Configuration.GetSection(RealtimeOptions.Section));
        builder.Services.AddSignalR().AddJsonProtocol(o => CinemaSyncJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section));
        builder.Services.AddSingleton<HubRateLimiter>();
        builder.Services.AddSingleton<InviteTokens>();
        builder.Services.AddSingleton<RoomEventRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoomEventRelay>());
        return builder;
    }
}

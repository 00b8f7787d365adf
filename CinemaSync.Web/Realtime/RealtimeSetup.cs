using CinemaSync.Web.Api;

namespace CinemaSync.Web.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddCinemaSyncRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeOptions>().Bind(builder.Configuration.GetSection(RealtimeOptions.Section));
        builder.Services.AddSignalR().AddJsonProtocol(o => CinemaSyncJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddSingleton<RoomEventRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoomEventRelay>());
        return builder;
    }
}

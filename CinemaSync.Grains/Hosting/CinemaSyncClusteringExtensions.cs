using System.Net;
using CinemaSync.Grains.Clustering;
using Orleans.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// The one place that wires Orleans clustering, used by the stand-alone silo, the web node's
/// co-hosted silo and the web node in client mode, so all of them agree on the provider and ids.
/// </summary>
public static class CinemaSyncClusteringExtensions
{
    /// <summary>Orleans' messaging options of silos (<c>SiloMessagingOptions</c>) and clients (<c>ClientMessagingOptions</c>).</summary>
    public const string MessagingSection = "Orleans:Messaging";

    /// <summary>Membership for a silo listening on <paramref name="siloPort"/>/<paramref name="gatewayPort"/>.</summary>
    public static ISiloBuilder UseCinemaSyncClustering(
        this ISiloBuilder silo, ClusterSettings settings, IConfiguration configuration, int siloPort, int gatewayPort)
    {
        switch (settings.NormalizedClustering)
        {
            case ClusterSettings.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConnection));
                silo.ConfigureEndpoints(settings.AdvertisedAddress, siloPort, gatewayPort, settings.ListenOnAnyHostAddress);
                break;
            case ClusterSettings.MongoDb:
                silo.Services.AddSingleton<IMembershipTable, MongoMembershipTable>();
                silo.Services.Configure<MongoMembershipOptions>(o => Configure(o, settings));
                silo.ConfigureEndpoints(settings.AdvertisedAddress, siloPort, gatewayPort, settings.ListenOnAnyHostAddress);
                break;
            default:
                var primary = settings.PrimarySiloPort is { } p ? new IPEndPoint(IPAddress.Loopback, p) : null;
                silo.UseLocalhostClustering(siloPort, gatewayPort, primary, settings.ServiceId, settings.ClusterId);
                break;
        }
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.LoadTls() is { } tls) silo.UseTls(tls.Certificate, tls.Configure);
        // A watch party notices a dead silo in seconds, not Orleans' default ~15 s (three missed
        // 5 s probes): a silo that misses three 2 s probes is voted dead. Tunable through
        // Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ... (ClusterMembershipOptions).
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
            })
            .Bind(configuration.GetSection("Orleans:Membership"))
            .ValidateOnStart();
        // Orleans is given no configuration of its own (see AddCinemaSyncOrleans), so the keys it
        // would read are bound here.
        silo.Services.AddOptions<SiloMessagingOptions>().Bind(configuration.GetSection(MessagingSection)).ValidateOnStart();
        silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership,
            (sp, _) => new MembershipClock(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        silo.Services.AddSingleton(settings);
        return silo;
    }

    /// <summary>Membership for an Orleans client (a web node in <c>Orleans:Mode=client</c>).</summary>
    public static IClientBuilder UseCinemaSyncClustering(this IClientBuilder client, ClusterSettings settings, IConfiguration configuration)
    {
        switch (settings.NormalizedClustering)
        {
            case ClusterSettings.Redis:
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConnection));
                break;
            case ClusterSettings.MongoDb:
                client.Services.AddSingleton<IGatewayListProvider, MongoGatewayListProvider>();
                client.Services.Configure<MongoMembershipOptions>(o => Configure(o, settings));
                break;
            default:
                client.UseLocalhostClustering(settings.GatewayPorts, settings.ServiceId, settings.ClusterId);
                break;
        }
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        if (settings.LoadTls() is { } tls) client.UseTls(tls.Certificate, tls.Configure);
        // Learn about new silos' gateways well within a failover (Orleans' default is one minute).
        client.Services.AddOptions<GatewayOptions>()
            .Configure(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5))
            .Bind(configuration.GetSection("Orleans:Gateway"))
            .ValidateOnStart();
        // A call a gateway forwarded to a silo that then died is only answered by the response
        // timeout (Orleans' default 30 s), and SignalR runs one hub call per connection at a time,
        // so such a call would hold that member's next commands. Room calls take milliseconds:
        // give up after 5 s unless Orleans:Messaging:ResponseTimeout says otherwise.
        client.Services.AddOptions<ClientMessagingOptions>()
            .Configure(o => o.ResponseTimeout = TimeSpan.FromSeconds(5))
            .Bind(configuration.GetSection(MessagingSection))
            .ValidateOnStart();
        client.Services.AddSingleton(settings);
        return client;
    }

    private static void Configure(MongoMembershipOptions options, ClusterSettings settings)
    {
        options.ConnectionString = settings.Mongo!.Connection;
        options.DatabaseName = settings.Mongo.Database;
    }
}

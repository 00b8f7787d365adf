using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CinemaSync.Web.Hosting;

public static class OrleansHosting
{
    public const string SiloMode = "single-process";
    public const string ClientMode = ClusterSettings.ClientMode;

    /// <summary>
    /// The default (<c>Orleans:Mode</c> unset or <c>silo</c>): this process co-hosts a silo, so one
    /// command runs everything; ports come from <c>Orleans:SiloPort</c>/<c>Orleans:GatewayPort</c> or
    /// are free ones. <c>Orleans:Mode=client</c>: an Orleans client joining an external cluster through
    /// the same clustering provider (<c>Orleans:Clustering</c>), retrying until a gateway answers.
    /// Orleans gets no configuration of its own: every key under <c>Orleans</c> is read by
    /// <see cref="ClusterSettings"/> or bound by <see cref="CinemaSyncClusteringExtensions"/>.
    /// </summary>
    public static WebApplicationBuilder AddCinemaSyncOrleans(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var cluster = config.ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section);
        var state = new ClusterConnectionState();
        builder.Services.AddSingleton(state);
        if (cluster.NormalizedMode == ClusterSettings.ClientMode)
        {
            builder.Services.AddOrleansClient(client =>
            {
                client.UseCinemaSyncClustering(cluster, config);
                client.UseConnectionRetryFilter<GatewayRetryFilter>();
                client.AddClusterConnectionStatusObserver(new ClusterConnectionObserver(state));
            });
            builder.Services.AddSingleton(new ClusterDescription(ClientMode, null, null, cluster));
            // The silos own the store; this node only reports what the shared configuration names.
            builder.Services.TryAddSingleton(StorageDescription.From(config.ReadValidatedSettings<StorageSettings>(StorageSettings.Section)));
            builder.Services.AddHostedService<ClientMembershipWatcher>();
            return builder;
        }

        var siloPort = cluster.SiloPort ?? FreePorts.Next();
        var gatewayPort = cluster.GatewayPort ?? FreePorts.Next();
        builder.Services.AddOrleans(silo =>
        {
            silo.UseCinemaSyncClustering(cluster, config, siloPort, gatewayPort);
            silo.AddCinemaSyncGrains(config);
        });
        state.GatewayCountChanged(1);
        builder.Services.AddSingleton(new ClusterDescription(SiloMode, siloPort, gatewayPort, cluster));
        builder.Services.AddHostedService<SiloMembershipWatcher>();
        return builder;
    }
}

/// <summary>How this node reaches its grains, for logs and <c>/api/health</c>.</summary>
public sealed record ClusterDescription(string Mode, int? SiloPort, int? GatewayPort, ClusterSettings Settings)
{
    public override string ToString() => Mode == OrleansHosting.ClientMode
        ? $"client of {Settings}"
        : $"co-hosted silo on ports {SiloPort}/{GatewayPort}, {Settings}";
}

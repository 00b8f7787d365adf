using CinemaSync.Grains.Hosting;

namespace CinemaSync.Web.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// The default: this process co-hosts a single silo (localhost clustering), so one command
    /// runs everything. Ports come from <c>Orleans:SiloPort</c>/<c>Orleans:GatewayPort</c> or are free ones.
    /// </summary>
    public static WebApplicationBuilder AddCinemaSyncOrleans(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var siloPort = config.GetValue<int?>("Orleans:SiloPort") ?? FreePorts.Next();
        var gatewayPort = config.GetValue<int?>("Orleans:GatewayPort") ?? FreePorts.Next();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort,
                serviceId: config["Orleans:ServiceId"] ?? "cinemasync",
                clusterId: config["Orleans:ClusterId"] ?? "cinemasync-local");
            silo.AddCinemaSyncGrains(config);
        });
        builder.Services.AddSingleton(new ClusterDescription("single-process", siloPort, gatewayPort));
        return builder;
    }
}

/// <summary>How this node reaches its grains, for logs and <c>/api/health</c>.</summary>
public sealed record ClusterDescription(string Mode, int SiloPort, int GatewayPort);

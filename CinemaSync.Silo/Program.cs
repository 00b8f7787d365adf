using CinemaSync.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// A stand-alone silo. Until cluster membership providers land it runs localhost clustering
// on the configured ports (Orleans:SiloPort, Orleans:GatewayPort; defaults 11111/30000).
var builder = Host.CreateApplicationBuilder(args);
var config = builder.Configuration;
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(
        config.GetValue("Orleans:SiloPort", 11111),
        config.GetValue("Orleans:GatewayPort", 30000),
        serviceId: config["Orleans:ServiceId"] ?? "cinemasync",
        clusterId: config["Orleans:ClusterId"] ?? "cinemasync-local");
    silo.AddCinemaSyncGrains(config);
});
await builder.Build().RunAsync();

using CinemaSync.Grains.Hosting;
using CinemaSync.Silo;
using Orleans.Dashboard;

// A stand-alone silo of a CinemaSync cluster, configured from settings (appsettings, environment
// Orleans__Key, or --Orleans:Key=value): clustering provider, ids, advertised address and ports,
// storage (as AddCinemaSyncGrains chooses), and the Orleans Dashboard on its own port
// (DashboardSettings). SIGTERM stops it gracefully (within Shutdown:DrainTime): it leaves the
// membership table and deactivates its grains. A bad setting stops start-up with one line naming
// it (exit code 1).
return await StartupGuard.RunAsync(() =>
{
    // Decided before the host is built (it picks the kind of host): environment and command line.
    var early = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
    return early.ReadValidatedSettings<DashboardSettings>(DashboardSettings.Section).Dashboard ? BuildWithDashboard() : BuildPlain();
});

IHost BuildWithDashboard()
{
    var web = WebApplication.CreateBuilder(args);
    var (siloPort, gatewayPort) = Configure(web, dashboard: true);
    var dashboard = web.Configuration.ReadValidatedSettings<DashboardSettings>(DashboardSettings.Section);
    web.WebHost.UseUrls(dashboard.Url);
    var app = web.Build();
    StartupGuard.Check(app.Services);
    app.MapOrleansDashboard();
    Describe(app.Services, siloPort, gatewayPort, dashboard.Url + "/");
    return app;
}

IHost BuildPlain()
{
    var plain = Host.CreateApplicationBuilder(args);
    var (siloPort, gatewayPort) = Configure(plain, dashboard: false);
    var host = plain.Build();
    StartupGuard.Check(host.Services);
    Describe(host.Services, siloPort, gatewayPort, "off");
    return host;
}

static (int SiloPort, int GatewayPort) Configure(IHostApplicationBuilder builder, bool dashboard)
{
    var config = builder.Configuration;
    var cluster = config.ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section);
    var siloPort = cluster.SiloPort ?? 11111;
    var gatewayPort = cluster.GatewayPort ?? 30000;
    ShutdownSettings.AddTo(builder.Services, config);
    // Orleans gets no configuration of its own: ClusterSettings and the clustering extensions read the Orleans keys.
    builder.Services.AddOrleans(silo =>
    {
        silo.UseCinemaSyncClustering(cluster, config, siloPort, gatewayPort);
        silo.AddCinemaSyncGrains(config);
        if (dashboard) silo.AddDashboard();
    });
    return (siloPort, gatewayPort);
}

static void Describe(IServiceProvider services, int siloPort, int gatewayPort, string dashboard) =>
    services.GetRequiredService<ILoggerFactory>().CreateLogger("CinemaSync.Silo").LogInformation(
        "Silo port {SiloPort}, gateway port {GatewayPort}; clustering {Clustering}; storage {Storage}; dashboard {Dashboard}",
        siloPort, gatewayPort, services.GetRequiredService<ClusterSettings>(),
        services.GetRequiredService<StorageDescription>(), dashboard);

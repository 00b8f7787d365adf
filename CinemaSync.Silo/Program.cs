using CinemaSync.Grains.Hosting;
using Orleans.Dashboard;

// A stand-alone silo of a CinemaSync cluster, configured from settings (appsettings, environment
// Orleans__Key, or --Orleans:Key=value): clustering provider, ids, advertised address and ports,
// storage (as AddCinemaSyncGrains chooses), and the Orleans Dashboard on its own port
// (Orleans:DashboardPort, default 8080; Orleans:Dashboard=false turns it off and no HTTP is served).
// SIGTERM stops it gracefully (within Shutdown:DrainTime): it leaves the membership table and
// deactivates its grains. A bad setting stops start-up with one line naming it (exit code 1).
// Decided before the host is built (it picks the kind of host): environment and command line.
var dashboard = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build()
    .GetValue("Orleans:Dashboard", true);

return await StartupGuard.RunAsync(() => dashboard ? BuildWithDashboard() : BuildPlain());

IHost BuildWithDashboard()
{
    var web = WebApplication.CreateBuilder(args);
    var (siloPort, gatewayPort) = Configure(web, dashboard: true);
    var dashboardPort = web.Configuration.GetValue("Orleans:DashboardPort", 8080);
    web.WebHost.UseUrls($"http://{web.Configuration["Orleans:DashboardHost"] ?? "127.0.0.1"}:{dashboardPort}");
    var app = web.Build();
    StartupGuard.Check(app.Services);
    app.MapOrleansDashboard();
    Describe(app.Services, siloPort, gatewayPort, $"http://127.0.0.1:{dashboardPort}/");
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
    var cluster = ClusterSettings.Claim(builder.Configuration);
    var siloPort = cluster.SiloPort ?? 11111;
    var gatewayPort = cluster.GatewayPort ?? 30000;
    var drainTime = ShutdownSettings.DrainTime(config);
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drainTime);
    builder.UseOrleans(silo =>
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

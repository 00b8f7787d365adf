using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Hosting;

return await StartupGuard.RunAsync(() => CinemaSyncApp.Build(args));

/// <summary>Entry point; also the anchor tests use to find this assembly.</summary>
public partial class Program;

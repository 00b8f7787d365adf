using CinemaSync.Web.Hosting;

var app = CinemaSyncApp.Build(args);
app.Run();

/// <summary>Entry point; also the anchor tests use to find this assembly.</summary>
public partial class Program;

namespace CinemaSync.Bench.Relay;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var (app, url) = await RelayServer.StartAsync(args);
        Console.Out.WriteLine($"listening on {url}");
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
    }
}

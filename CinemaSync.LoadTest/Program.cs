namespace CinemaSync.LoadTest;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = LoadTestOptions.Parse(args, out string? error);
        if (options is null)
        {
            if (error is null)
            {
                Console.Out.WriteLine(LoadTestOptions.HelpText);
                return 0;
            }
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine("try --help");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        Console.Error.WriteLine($"load test: {options}");
        LoadTestResult result;
        try
        {
            result = await LoadTestRunner.RunAsync(options, cts.Token, Console.Error, progressInPlace: !Console.IsErrorRedirected);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cts.IsCancellationRequested)
        {
            Console.Error.WriteLine($"load test failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("load test cancelled");
            return 1;
        }

        Console.Out.WriteLine(result.ToTable());
        if (options.JsonPath is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(options.JsonPath));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            await File.WriteAllTextAsync(options.JsonPath, result.ToJson());
            Console.Out.WriteLine($"json written to {options.JsonPath}");
        }
        return result.Success ? 0 : 1;
    }
}

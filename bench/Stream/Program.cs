// Streams one generated file (1 GiB by default) three ways, alternately: straight from the fake Drive,
// through CinemaSync's stream proxy (the server run as a real process) and through a minimal
// HttpClient → CopyToAsync proxy (CopyLoopServer, also its own process), and prints each throughput,
// the ratios, each proxy's CPU per GiB and the server's RSS. The fake Google (token endpoint and
// Drive) runs in this process. `--json PATH` also writes the figures as JSON (bench/run.sh reads it).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CinemaSync.Tests.Infrastructure;

const string DirectToken = "bench-direct-token";
if (args.Contains("--copy-loop"))
{
    await CopyLoopServer.RunAsync(Arg("--urls")!, Arg("--upstream")!, DirectToken);
    return;
}

var serverDll = Arg("--server-dll") ?? throw new ArgumentException("--server-dll PATH (CinemaSync.Web.dll) is required");
var sizeMb = long.Parse(Arg("--size-mb") ?? "1024", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
var bufferKb = Arg("--buffer-kb");
var jsonPath = Arg("--json");
var size = sizeMb * 1024 * 1024;

await using var google = await FakeGoogleOAuthServer.StartAsync();
var work = Directory.CreateTempSubdirectory("cinemasync-bench-stream-").FullName;
var (keyFile, serviceAccount) = google.CreateServiceAccountKeyFile(work);
await using var drive = await FakeDriveServer.StartAsync(token => token == DirectToken ? serviceAccount : google.PrincipalOf(token));
var file = drive.AddFile(serviceAccount, "Bench 1 GiB.mp4", size, seed: 42);

var port = FreePort();
var serverEnv = new Dictionary<string, string>
{
    ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
    ["API_BASE_URL"] = $"http://127.0.0.1:{port}",
    ["ASPNETCORE_ENVIRONMENT"] = "Benchmark",
    ["JWT_SECRET"] = "bench-secret-0123456789-0123456789-0123456789",
    ["Auth__DevLogin"] = "true",
    ["CINEMASYNC_DATA_DIR"] = Path.Combine(work, "data"),
    ["GOOGLE_APPLICATION_CREDENTIALS"] = keyFile,
    ["GOOGLE_DRIVE_BASE_URL"] = drive.ApiBaseUrl,
    ["Logging__LogLevel__Default"] = "Warning",
};
if (bufferKb is not null) serverEnv["Stream__BufferSize"] = (int.Parse(bufferKb, CultureInfo.InvariantCulture) * 1024).ToString(CultureInfo.InvariantCulture);
using var server = StartProcess("server", [serverDll], serverEnv);
var copyLoopPort = FreePort();
// The server's runtime setting (its project file), so that the two proxies differ only in code.
using var copyLoop = StartProcess("copy-loop",
    [typeof(CopyLoopServer).Assembly.Location, "--copy-loop", "--urls", $"http://127.0.0.1:{copyLoopPort}", "--upstream", drive.ApiBaseUrl],
    new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" });

try
{
    using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromMinutes(10),
    };
    await WaitHealthyAsync(http, "/api/health", server);
    await WaitHealthyAsync(http, $"http://127.0.0.1:{copyLoopPort}{CopyLoopServer.ReadyPath}", copyLoop);
    var login = await Ok(await http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Bench" }));
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
    var room = await Ok(await http.PostAsJsonAsync("/api/rooms", new { name = "Bench", is_private = false, movie_source = new { type = "uploadLater" } }));
    var roomId = room.GetProperty("room_id").GetString();
    await Ok(await http.PutAsJsonAsync($"/api/rooms/{roomId}/video", new { file_id = file.Id, owner = "service" }));
    var streamUrl = (await Ok(await http.GetAsync($"/api/rooms/{roomId}/stream-url"))).GetProperty("url").GetString()!;
    http.DefaultRequestHeaders.Authorization = null;
    var directUrl = $"{drive.ApiBaseUrl}/files/{file.Id}?alt=media";
    var copyLoopUrl = $"http://127.0.0.1:{copyLoopPort}/files/{file.Id}?alt=media";

    // Warm up every path (JIT, connections, the fake's byte table).
    var warmUpRange = $"bytes=0-{Math.Min(size, 64L << 20) - 1}";
    await StreamAsync(http, streamUrl, null, warmUpRange);
    await StreamAsync(http, copyLoopUrl, null, warmUpRange);
    await StreamAsync(http, directUrl, DirectToken, warmUpRange);
    var rssBefore = Status(server.Id, "VmRSS");
    var load0 = File.ReadAllText("/proc/loadavg").Trim();

    var direct = new List<double>();
    var proxy = new List<double>();
    var copy = new List<double>();
    var serverCpu = new List<double>();
    var copyCpu = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        direct.Add(await MeasureAsync(http, directUrl, DirectToken, $"round {round} direct   "));
        proxy.Add(await MeasureWithCpuAsync(http, server, streamUrl, $"round {round} proxy    ", serverCpu));
        copy.Add(await MeasureWithCpuAsync(http, copyLoop, copyLoopUrl, $"round {round} copy-loop", copyCpu));
    }

    var peak = Status(server.Id, "VmHWM");
    var rssAfter = Status(server.Id, "VmRSS");
    var load = File.ReadAllText("/proc/loadavg").Trim();
    var gib = sizeMb / 1024.0;
    Console.WriteLine();
    Console.WriteLine($"file                      {sizeMb} MiB, {rounds} round(s) alternating, proxy buffer {bufferKb ?? "default (256)"} KiB");
    Console.WriteLine($"direct from fake Drive    best {direct.Max(),7:F1} MiB/s, median {Median(direct),7:F1} MiB/s");
    Console.WriteLine($"through the stream proxy  best {proxy.Max(),7:F1} MiB/s, median {Median(proxy),7:F1} MiB/s");
    Console.WriteLine($"through the copy loop     best {copy.Max(),7:F1} MiB/s, median {Median(copy),7:F1} MiB/s");
    Console.WriteLine($"ratio proxy/direct        best {proxy.Max() / direct.Max(),7:F2}, median {Median(proxy) / Median(direct),7:F2}");
    Console.WriteLine($"CPU per GiB (median)      proxy {Median(serverCpu) / gib,5:F2} s, copy loop {Median(copyCpu) / gib,5:F2} s, ratio {Median(serverCpu) / Median(copyCpu),5:F2} (user+system of each server process)");
    Console.WriteLine($"server RSS                {rssBefore / 1024.0,8:F1} MiB after warm-up, {rssAfter / 1024.0:F1} MiB after, peak (VmHWM) {peak / 1024.0:F1} MiB");
    Console.WriteLine($"load average              {load0} before, {load} after  ({Environment.ProcessorCount} cores)");
    if (jsonPath is not null)
    {
        static JsonObject Rates(List<double> r) => new() { ["best"] = Math.Round(r.Max(), 1), ["median"] = Math.Round(Median(r), 1) };
        var json = new JsonObject
        {
            ["size_mib"] = sizeMb,
            ["rounds"] = rounds,
            ["direct_mib_s"] = Rates(direct),
            ["proxy_mib_s"] = Rates(proxy),
            ["copy_loop_mib_s"] = Rates(copy),
            ["proxy_cpu_s_per_gib"] = Math.Round(Median(serverCpu) / gib, 3),
            ["copy_loop_cpu_s_per_gib"] = Math.Round(Median(copyCpu) / gib, 3),
            ["server_rss_kb_after_warmup"] = rssBefore,
            ["server_rss_kb_peak"] = peak,
            ["load_average_before"] = load0,
            ["load_average_after"] = load,
        };
        File.WriteAllText(jsonPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
finally
{
    foreach (var process in new[] { server, copyLoop })
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
    Directory.Delete(work, recursive: true);
}

async Task<double> MeasureWithCpuAsync(HttpClient http, Process target, string url, string label, List<double> cpu)
{
    var before = CpuSeconds(target.Id);
    var rate = await MeasureAsync(http, url, null, label);
    cpu.Add(CpuSeconds(target.Id) - before);
    return rate;
}

async Task<double> MeasureAsync(HttpClient http, string url, string? token, string label)
{
    var watch = Stopwatch.StartNew();
    var bytes = await StreamAsync(http, url, token, null);
    var seconds = watch.Elapsed.TotalSeconds;
    if (bytes != size) throw new InvalidOperationException($"{label}: got {bytes} bytes, expected {size}");
    var rate = bytes / 1024.0 / 1024.0 / seconds;
    Console.WriteLine($"{label}  {bytes / 1024 / 1024} MiB in {seconds:F2} s = {rate:F1} MiB/s");
    return rate;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<long> StreamAsync(HttpClient http, string url, string? token, string? range)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, url);
    if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[1 << 20];
    long total = 0;
    int read;
    while ((read = await body.ReadAsync(buffer)) > 0) total += read;
    return total;
}

/// <summary>The JSON body of a 2xx response; otherwise an exception naming the request, the status and the body.</summary>
static async Task<JsonElement> Ok(HttpResponseMessage response)
{
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
    return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
}

static Process StartProcess(string name, string[] arguments, Dictionary<string, string> environment)
{
    var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var (key, value) in environment) start.Environment[key] = value;
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"{name}: {e.Data}"); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitHealthyAsync(HttpClient http, string url, Process process)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            if ((await http.GetAsync(url)).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        if (process.HasExited) throw new InvalidOperationException($"{url}: the process exited with {process.ExitCode} (its output is above)");
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} did not answer in 60 s");
        await Task.Delay(250);
    }
}

/// <summary>utime + stime of a process, in seconds (/proc/PID/stat, clock ticks of 1/100 s).</summary>
static double CpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

/// <summary>A field of /proc/PID/status in kB.</summary>
static long Status(int pid, string field)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// Streams one generated file (1 GiB by default) through CinemaSync's stream proxy — the server run as
// a real process — and straight from the fake Drive, alternately, and prints both throughputs, their
// ratio and the server's peak RSS (VmHWM). The fake Google (token endpoint and Drive) runs in this process.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CinemaSync.Tests.Infrastructure;

var serverDll = Arg("--server-dll") ?? throw new ArgumentException("--server-dll PATH (CinemaSync.Web.dll) is required");
var sizeMb = long.Parse(Arg("--size-mb") ?? "1024", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
var bufferKb = Arg("--buffer-kb");
var size = sizeMb * 1024 * 1024;
const string DirectToken = "bench-direct-token";

await using var google = await FakeGoogleOAuthServer.StartAsync();
var work = Directory.CreateTempSubdirectory("cinemasync-bench-stream-").FullName;
var (keyFile, serviceAccount) = google.CreateServiceAccountKeyFile(work);
await using var drive = await FakeDriveServer.StartAsync(token => token == DirectToken ? serviceAccount : google.PrincipalOf(token));
var file = drive.AddFile(serviceAccount, "Bench 1 GiB.mp4", size, seed: 42);

var port = FreePort();
var start = new ProcessStartInfo("dotnet", [serverDll]) { RedirectStandardOutput = true, RedirectStandardError = true };
start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
start.Environment["ASPNETCORE_ENVIRONMENT"] = "Benchmark";
start.Environment["JWT_SECRET"] = "bench-secret-0123456789-0123456789-0123456789";
start.Environment["CINEMASYNC_DATA_DIR"] = Path.Combine(work, "data");
start.Environment["GOOGLE_APPLICATION_CREDENTIALS"] = keyFile;
start.Environment["GOOGLE_DRIVE_BASE_URL"] = drive.ApiBaseUrl;
start.Environment["Logging__LogLevel__Default"] = "Warning";
if (bufferKb is not null) start.Environment["Stream__BufferSize"] = (int.Parse(bufferKb, CultureInfo.InvariantCulture) * 1024).ToString(CultureInfo.InvariantCulture);
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
server.BeginOutputReadLine();
server.BeginErrorReadLine();

try
{
    using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromMinutes(10),
    };
    await WaitHealthyAsync(http);
    var login = await (await http.PostAsJsonAsync("/api/auth/dev", new { display_name = "Bench" })).Content.ReadFromJsonAsync<JsonElement>();
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
    var room = await (await http.PostAsJsonAsync("/api/rooms", new { name = "Bench", is_private = false, movie_source = new { type = "uploadLater" } }))
        .Content.ReadFromJsonAsync<JsonElement>();
    var roomId = room.GetProperty("room_id").GetString();
    (await http.PutAsJsonAsync($"/api/rooms/{roomId}/video", new { file_id = file.Id, owner = "service" })).EnsureSuccessStatusCode();
    var streamUrl = (await http.GetFromJsonAsync<JsonElement>($"/api/rooms/{roomId}/stream-url")).GetProperty("url").GetString()!;
    http.DefaultRequestHeaders.Authorization = null;
    var directUrl = $"{drive.ApiBaseUrl}/files/{file.Id}?alt=media";

    // Warm up both paths (JIT, connections, the fake's byte table).
    await StreamAsync(http, streamUrl, null, "bytes=0-67108863");
    await StreamAsync(http, directUrl, DirectToken, "bytes=0-67108863");
    var rssBefore = Status(server.Id, "VmRSS");

    var direct = new List<double>();
    var proxy = new List<double>();
    var serverCpu = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        direct.Add(await MeasureAsync(http, directUrl, DirectToken, $"round {round} direct"));
        var cpuBefore = CpuSeconds(server.Id);
        proxy.Add(await MeasureAsync(http, streamUrl, null, $"round {round} proxy "));
        serverCpu.Add(CpuSeconds(server.Id) - cpuBefore);
    }

    var peak = Status(server.Id, "VmHWM");
    var rssAfter = Status(server.Id, "VmRSS");
    var load = File.ReadAllText("/proc/loadavg").Trim();
    Console.WriteLine();
    Console.WriteLine($"file                      {sizeMb} MiB, {rounds} round(s) alternating, proxy buffer {bufferKb ?? "default (256)"} KiB");
    Console.WriteLine($"direct from fake Drive    best {direct.Max(),7:F1} MiB/s, median {Median(direct),7:F1} MiB/s");
    Console.WriteLine($"through the stream proxy  best {proxy.Max(),7:F1} MiB/s, median {Median(proxy),7:F1} MiB/s");
    Console.WriteLine($"ratio proxy/direct        best {proxy.Max() / direct.Max(),7:F2}, median {Median(proxy) / Median(direct),7:F2}");
    Console.WriteLine($"server CPU per GiB proxied median {Median(serverCpu) / (sizeMb / 1024.0),7:F2} s (user+system; independent of how busy the machine is)");
    Console.WriteLine($"server RSS                {rssBefore / 1024.0,8:F1} MiB after warm-up, {rssAfter / 1024.0:F1} MiB after, peak (VmHWM) {peak / 1024.0:F1} MiB");
    Console.WriteLine($"load average              {load}  ({Environment.ProcessorCount} cores)");
}
finally
{
    if (!server.HasExited) server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    Directory.Delete(work, recursive: true);
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

static async Task WaitHealthyAsync(HttpClient http)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            if ((await http.GetAsync("/api/health")).IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        if (DateTime.UtcNow > deadline) throw new TimeoutException("the server did not start in 60 s");
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

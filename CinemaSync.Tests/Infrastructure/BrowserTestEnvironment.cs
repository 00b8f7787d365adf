using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// What the browser tests need: Debian Chromium, ffmpeg, node with playwright-core installed in
/// <c>browser-tests/</c>. <c>scripts/test.sh</c> installs them and sets
/// <c>CINEMASYNC_REQUIRE_BROWSER=1</c>, so there a missing piece fails the tests; a plain
/// <c>dotnet test</c> on a machine without them skips the tests and says why.
/// </summary>
public static class BrowserPrerequisites
{
    public const string RequireVariable = "CINEMASYNC_REQUIRE_BROWSER";

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static string RepositoryRoot => RepositoryPaths.Root;

    public static string BrowserTestsDirectory => Path.Combine(RepositoryRoot, "browser-tests");

    public static string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");

    /// <summary>Null when everything is there, else what is missing.</summary>
    public static string? Missing()
    {
        var missing = new List<string>();
        if (!File.Exists(ChromiumPath)) missing.Add($"Chromium at {ChromiumPath} (apt-get install chromium)");
        if (OnPath("ffmpeg") is null) missing.Add("ffmpeg (apt-get install ffmpeg)");
        if (OnPath("node") is null) missing.Add("node");
        if (!Directory.Exists(Path.Combine(BrowserTestsDirectory, "node_modules", "playwright-core")))
            missing.Add("playwright-core (npm ci in browser-tests/)");
        return missing.Count == 0 ? null : string.Join(", ", missing);
    }

    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that drives a real browser: skipped when the browser tooling is absent, unless it is required.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(BrowserPrerequisites.RequireVariable) == "1") return;
        if (BrowserPrerequisites.Missing() is { } missing)
            Skip = $"Browser tests need {missing}; ./scripts/test.sh installs them.";
    }
}

/// <summary>A fact that needs only node (skipped without it unless the browser tooling is required).</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(BrowserPrerequisites.RequireVariable) == "1") return;
        if (BrowserPrerequisites.OnPath("node") is null) Skip = "node is not installed.";
    }
}

/// <summary>
/// One web node (in-process, real Kestrel port, its own SQLite file) serving the watch page, and
/// a test video made with ffmpeg (testsrc, 320x240, a burnt-in timer, a keyframe every second)
/// served as a direct link by a second tiny static file server with Range support.
/// </summary>
public sealed class BrowserTestEnvironment : IAsyncLifetime
{
    private readonly string _videoDirectory = Directory.CreateTempSubdirectory("cinemasync-video-").FullName;
    private WebApplication? _videoServer;

    public TestServer Server { get; private set; } = null!;
    public Uri VideoUrl { get; private set; } = null!;

    /// <summary>Seconds of member-vs-host measurement in the sync scenario (<c>CINEMASYNC_SYNC_MEASURE</c>, default 4).</summary>
    public static int MeasureSeconds =>
        int.TryParse(Environment.GetEnvironmentVariable("CINEMASYNC_SYNC_MEASURE"), out var s) && s > 0 ? s : 4;

    /// <summary>
    /// One-way delay in ms between the member's browser and the server in the sync scenario
    /// (<c>CINEMASYNC_SYNC_LATENCY_MS</c>, default 0: plain loopback). The member then reaches the
    /// node through a <see cref="DelayProxy"/>.
    /// </summary>
    public static int MemberLatencyMs =>
        int.TryParse(Environment.GetEnvironmentVariable("CINEMASYNC_SYNC_LATENCY_MS"), out var ms) && ms > 0 ? ms : 0;

    private DelayProxy? _memberProxy;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BrowserScenarioSession> _sessions = new();

    public async Task InitializeAsync()
    {
        if (BrowserPrerequisites.Missing() is { } missing)
            throw new InvalidOperationException($"Browser tests need {missing}; ./scripts/test.sh installs them.");
        var video = Path.Combine(_videoDirectory, "testsrc.webm");
        await MakeVideoAsync(video, seconds: Math.Max(40, MeasureSeconds + 30));
        Server = await TestServer.StartAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _videoServer = builder.Build();
        await WriteSubtitlesAsync(_videoDirectory);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".srt"] = "application/x-subrip";
        types.Mappings[".vtt"] = "text/vtt";
        _videoServer.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(_videoDirectory), ContentTypeProvider = types });
        await _videoServer.StartAsync();
        var address = _videoServer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        VideoUrl = new Uri(new Uri(address), "testsrc.webm");
        if (MemberLatencyMs > 0) _memberProxy = new DelayProxy(Server.BaseAddress, TimeSpan.FromMilliseconds(MemberLatencyMs));
    }

    /// <summary>
    /// Subtitles for the test video beside it: <c>en.srt</c> (SubRip) and <c>pt.vtt</c> (WebVTT), a cue
    /// every 2 s for 5 minutes saying its language and its start second ("EN 12", "PT 12").
    /// </summary>
    private static async Task WriteSubtitlesAsync(string directory)
    {
        static string Time(int s, char separator) => $"00:{s / 60:00}:{s % 60:00}{separator}000";
        var srt = new StringBuilder();
        var vtt = new StringBuilder("WEBVTT\n\n");
        for (int i = 0, s = 0; s < 300; i++, s += 2)
        {
            srt.Append($"{i + 1}\r\n{Time(s, ',')} --> {Time(s + 2, ',')}\r\nEN {s}\r\n\r\n");
            vtt.Append($"{Time(s, '.')} --> {Time(s + 2, '.')}\nPT {s}\n\n");
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "en.srt"), srt.ToString());
        await File.WriteAllTextAsync(Path.Combine(directory, "pt.vtt"), vtt.ToString());
    }

    private static async Task MakeVideoAsync(string path, int seconds)
    {
        var info = new ProcessStartInfo("ffmpeg",
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc=size=320x240:rate=25:duration={seconds}",
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k", "-g", "25",
            "-pix_fmt", "yuv420p", path,
        ])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        using var ffmpeg = Process.Start(info)!;
        var errors = ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed ({ffmpeg.ExitCode}): {await errors}");
    }

    /// <summary>
    /// Runs one scenario that must pass: its output goes to <paramref name="output"/>, a failure fails
    /// the test, and the scenario's <c>RESULT</c> line is returned. <paramref name="environment"/>
    /// adds to or overrides the scenario's variables (e.g. <c>CINEMASYNC_URL</c> for another server).
    /// </summary>
    public async Task<JsonElement> RunPassingScenarioAsync(string scenario, TimeSpan timeout, ITestOutputHelper output,
        IDictionary<string, string>? environment = null, string script = "watchpage.mjs")
    {
        var (exitCode, text) = await RunScenarioAsync(scenario, timeout, environment, script);
        return Passed(scenario, exitCode, text, output);
    }

    /// <summary>
    /// As <see cref="RunPassingScenarioAsync"/>, in the <see cref="BrowserScenarioSession"/> of <paramref name="script"/>
    /// and <paramref name="environment"/>: one node process and Chromium for every scenario a test class runs there.
    /// </summary>
    public async Task<JsonElement> RunPassingInSessionAsync(string script, string scenario, TimeSpan timeout, ITestOutputHelper output,
        IDictionary<string, string>? environment = null)
    {
        var variables = Variables(environment);
        var key = script + "\n" + string.Join("\n", variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
        var session = _sessions.GetOrAdd(key, _ => new BrowserScenarioSession(BrowserPrerequisites.BrowserTestsDirectory, script, variables));
        var (exitCode, text) = await session.RunAsync(scenario, timeout);
        return Passed(scenario, exitCode, text, output);
    }

    private static JsonElement Passed(string scenario, int exitCode, string text, ITestOutputHelper output)
    {
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"browser scenario '{scenario}' failed (exit {exitCode}; screenshots in artifacts/):\n{text}");
        var result = text.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        return JsonDocument.Parse(result["RESULT ".Length..]).RootElement.Clone();
    }

    /// <summary>Runs one scenario of a script in <c>browser-tests/</c> (<c>watchpage.mjs</c> unless named); returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunScenarioAsync(string scenario, TimeSpan timeout, IDictionary<string, string>? environment = null,
        string script = "watchpage.mjs") =>
        await NodeScript.RunAsync(BrowserPrerequisites.BrowserTestsDirectory, [script, scenario], timeout, Variables(environment));

    /// <summary>The scenarios' environment: this node, the video, the artifacts folder..., with <paramref name="environment"/> on top.</summary>
    private Dictionary<string, string> Variables(IDictionary<string, string>? environment)
    {
        var variables = new Dictionary<string, string>
        {
            ["CINEMASYNC_URL"] = Server.BaseAddress.ToString(),
            ["CINEMASYNC_VIDEO_URL"] = VideoUrl.ToString(),
            ["CINEMASYNC_SUBTITLES_URL"] = new Uri(VideoUrl, "./").ToString(),
            ["CINEMASYNC_ARTIFACTS"] = BrowserPrerequisites.ArtifactsDirectory,
            ["CINEMASYNC_SYNC_MEASURE"] = MeasureSeconds.ToString(),
            ["CINEMASYNC_MEMBER_URL"] = (_memberProxy?.BaseAddress ?? Server.BaseAddress).ToString(),
            ["CINEMASYNC_MEMBER_LATENCY_MS"] = MemberLatencyMs.ToString(),
            ["CHROMIUM_PATH"] = BrowserPrerequisites.ChromiumPath,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        return variables;
    }

    public async Task DisposeAsync()
    {
        foreach (var session in _sessions.Values) await session.DisposeAsync();
        if (_memberProxy is not null) await _memberProxy.DisposeAsync();
        if (_videoServer is not null) await _videoServer.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
        Directory.Delete(_videoDirectory, recursive: true);
    }
}

/// <summary>A fact that needs only Debian Chromium (skipped without it unless the browser tooling is required).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(BrowserPrerequisites.RequireVariable) == "1") return;
        if (!File.Exists(BrowserPrerequisites.ChromiumPath)) Skip = $"Chromium is not installed at {BrowserPrerequisites.ChromiumPath}.";
    }
}

using System.Net;
using CinemaSync.Grains.Hosting;
using CinemaSync.Web.Auth;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// Response headers every answer carries, the watch page's Content-Security-Policy, HSTS, and
/// forwarded headers (<c>X-Forwarded-For</c>/<c>-Proto</c>) honoured only from the proxies named
/// in <c>ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c>
/// (CIDR ranges), comma-separated. With neither set the headers are ignored, whoever sends them.
/// </summary>
public static class SecurityHeaders
{
    public const string Section = "ForwardedHeaders";
    public const string ReferrerPolicy = "no-referrer";

    public static WebApplicationBuilder AddCinemaSyncSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<ForwardedHeadersSettings>(builder.Configuration, Section);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            // The Host header is never taken from a proxy: absolute URLs come from API_BASE_URL.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.Value.Proxies) o.KnownProxies.Add(proxy);
            foreach (var network in settings.Value.Networks) o.KnownIPNetworks.Add(network);
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddSingleton<PagePolicy>();
        return builder;
    }

    /// <summary>First in the pipeline: the client's real address and scheme, then the headers, then HSTS.</summary>
    public static WebApplication UseCinemaSyncSecurityHeaders(this WebApplication app)
    {
        var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (forwarded.KnownProxies.Count > 0 || forwarded.KnownIPNetworks.Count > 0) app.UseForwardedHeaders();
        var page = app.Services.GetRequiredService<PagePolicy>();
        app.Use((context, next) =>
        {
            var response = context.Response;
            // OnStarting: also on error pages, whose handler clears the headers set before it ran.
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
                    && headers.ContentSecurityPolicy.Count == 0)
                {
                    headers.ContentSecurityPolicy = page.ContentSecurityPolicy;
                    headers.XFrameOptions = "DENY";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        // HSTS only on HTTPS answers (behind a known proxy: X-Forwarded-Proto https); never in Development.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        return app;
    }

}

/// <summary>
/// The proxies whose <c>X-Forwarded-*</c> headers are taken: <c>ForwardedHeaders:KnownProxies</c>
/// (IP addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges), each comma-separated or a list.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatedSettings, ISettingsWithAliases
{
    public string KnownProxies { get; set; } = "";
    public string KnownNetworks { get; set; } = "";

    public IEnumerable<IPAddress> Proxies => Entries(KnownProxies).Select(IPAddress.Parse);
    public IEnumerable<System.Net.IPNetwork> Networks => Entries(KnownNetworks).Select(n => System.Net.IPNetwork.Parse(n));

    /// <summary>The list form (<c>KnownProxies:0</c>, <c>KnownProxies:1</c>...) joined into the comma-separated one.</summary>
    public void ReadAliases(IConfiguration configuration)
    {
        var section = configuration.GetSection(SecurityHeaders.Section);
        KnownProxies = Joined(section.GetSection(nameof(KnownProxies)), KnownProxies);
        KnownNetworks = Joined(section.GetSection(nameof(KnownNetworks)), KnownNetworks);
    }

    public IEnumerable<string> Problems()
    {
        foreach (var proxy in Entries(KnownProxies).Where(p => !IPAddress.TryParse(p, out _)))
            yield return $"{SecurityHeaders.Section}:KnownProxies must list IP addresses separated by commas, not '{proxy}'.";
        foreach (var network in Entries(KnownNetworks).Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
            yield return $"{SecurityHeaders.Section}:KnownNetworks must list CIDR ranges (e.g. 10.0.0.0/8) separated by commas, not '{network}'.";
    }

    private static string Joined(IConfigurationSection entry, string bound) =>
        entry.Value is null && entry.GetChildren().Any() ? string.Join(",", entry.GetChildren().Select(c => c.Value ?? "")) : bound;

    private static IEnumerable<string> Entries(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// The watch page's Content-Security-Policy: its own scripts only (its modules and the bundled
/// SignalR and Firebase clients under <c>/lib</c>), the hub over WebSocket on this origin,
/// <c>API_BASE_URL</c> and the <c>FRONTEND_URL</c> origins, videos and thumbnails from any http(s)
/// URL, and no framing by other sites. With Firebase sign-in configured, its Google endpoints
/// (or the Auth emulator) are allowed too.
/// </summary>
public sealed class PagePolicy(IOptions<PublicUrlOptions> urls, IOptions<FirebaseOptions> firebase)
{
    public string ContentSecurityPolicy { get; } = Build(urls.Value, firebase.Value);

    private static string Build(PublicUrlOptions urls, FirebaseOptions firebase)
    {
        var origins = urls.FrontendOrigins.ToList();
        if (urls.ApiBaseUrl.Length > 0) origins.Add(new Uri(urls.ApiBaseUrl).GetLeftPart(UriPartial.Authority));
        var connect = new List<string> { "'self'" };
        foreach (var origin in origins.Distinct())
        {
            connect.Add(origin);
            connect.Add(origin.StartsWith("https:", StringComparison.Ordinal) ? "wss:" + origin["https:".Length..] : "ws:" + origin["http:".Length..]);
        }
        var scripts = new List<string> { "'self'" };
        var frames = new List<string>();
        if (firebase.IsConfigured)
        {
            connect.AddRange(["https://identitytoolkit.googleapis.com", "https://securetoken.googleapis.com", "https://www.googleapis.com"]);
            scripts.Add("https://apis.google.com");
            frames.Add($"https://{firebase.ProjectId}.firebaseapp.com");
            if (firebase.EmulatorEnabled)
            {
                connect.Add($"http://{firebase.AuthEmulatorHost}");
                frames.Add($"http://{firebase.AuthEmulatorHost}");
            }
        }
        // ws:/wss: of this origin: 'self' covers them in current browsers; the explicit origins above cover the rest.
        return string.Join("; ",
            "default-src 'self'",
            $"script-src {string.Join(' ', scripts)}",
            "style-src 'self'",
            "img-src 'self' data: https:",
            "media-src 'self' https: http: blob:",
            "font-src 'self' data:",
            $"connect-src {string.Join(' ', connect.Distinct())}",
            $"frame-src {(frames.Count > 0 ? string.Join(' ', frames) : "'none'")}",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'");
    }
}

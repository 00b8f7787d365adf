using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// Where this API and its web frontend are reached from outside: <c>API_BASE_URL</c> (stream
/// links, the Google OAuth redirect URI) and <c>FRONTEND_URL</c> (comma-separated origins: the CORS
/// allowlist; the first is where invite links and the OAuth callback point). Absolute URLs are
/// built from these, never from the request's Host header, which a client or proxy controls.
/// <c>API_BASE_URL</c> is required outside Development.
/// </summary>
public sealed class PublicUrlOptions
{
    public string ApiBaseUrl { get; set; } = "";
    public IReadOnlyList<string> FrontendUrls { get; set; } = [];

    /// <summary>The first <c>FRONTEND_URL</c> entry, or null.</summary>
    public string? FrontendUrl => FrontendUrls.Count > 0 ? FrontendUrls[0] : null;

    /// <summary>The frontend origins (scheme://host[:port]) for CORS and the CSP.</summary>
    public IEnumerable<string> FrontendOrigins => FrontendUrls.Select(u => new Uri(u).GetLeftPart(UriPartial.Authority));

    /// <summary>
    /// <c>API_BASE_URL</c> without its trailing slash. Only in Development may it be unset; the
    /// request's own address stands in there (a developer's machine has no proxy in front).
    /// </summary>
    public string ApiBase(HttpRequest request) => BaseUrl(ApiBaseUrl, request);

    /// <summary><paramref name="configured"/> without its trailing slash, or (when empty: Development only) the request's own address.</summary>
    public static string BaseUrl(string configured, HttpRequest request) =>
        (configured.Length > 0 ? configured : $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');

    /// <summary>The site invite links open: the first <c>FRONTEND_URL</c>, else this API (which serves the page).</summary>
    public string Site(HttpRequest request) => FrontendUrl?.TrimEnd('/') ?? ApiBase(request);

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

public static class PublicUrlSetup
{
    public static WebApplicationBuilder AddCinemaSyncPublicUrls(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<PublicUrlOptions>()
            .Configure(o =>
            {
                o.ApiBaseUrl = config["API_BASE_URL"]?.Trim() ?? "";
                o.FrontendUrls = (config["FRONTEND_URL"] ?? "")
                    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            })
            .Validate(o => o.ApiBaseUrl.Length > 0 || isDevelopment,
                "API_BASE_URL is not set: outside Development it is required. Set it to this API's public URL " +
                "(e.g. https://cinemasync.example.com); stream links and the Google redirect URI are built from it.")
            .Validate(o => o.ApiBaseUrl.Length == 0 || PublicUrlOptions.IsHttpUrl(o.ApiBaseUrl),
                "API_BASE_URL must be an absolute http(s) URL such as https://cinemasync.example.com.")
            .Validate(o => o.FrontendUrls.All(PublicUrlOptions.IsHttpUrl),
                "FRONTEND_URL must list absolute http(s) URLs separated by commas, e.g. https://watch.example.com.")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<PublicUrlOptions>>((cors, urls) => cors.AddDefaultPolicy(policy =>
            {
                // The frontend origins are the allowlist; credentials are allowed for SignalR.
                var origins = urls.Value.FrontendOrigins.ToArray();
                if (origins.Length > 0) policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials();
            }));
        return builder;
    }
}

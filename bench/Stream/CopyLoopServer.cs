using System.Net;
using System.Net.Http.Headers;

/// <summary>
/// The stream proxy's baseline: the least a proxy can do. A minimal Kestrel app (its own process)
/// that forwards each GET to the fake Drive with HttpClient, Range and a bearer token included, and
/// copies the body to the response with <see cref="Stream.CopyToAsync(Stream, CancellationToken)"/>.
/// No auth, no slots, no checks: its CPU per GiB is the floor for the proxy's.
/// </summary>
internal static class CopyLoopServer
{
    public const string ReadyPath = "/copy-loop/ready";

    public static async Task RunAsync(string url, string upstream, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        app.MapGet(ReadyPath, () => TypedResults.Ok());
        app.MapGet("/{**path}", async (HttpContext context, string path) =>
        {
            var ct = context.RequestAborted;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{upstream}/{path}{context.Request.QueryString}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (context.Request.Headers.Range.Count > 0) request.Headers.TryAddWithoutValidation("Range", context.Request.Headers.Range.ToString());
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
            if (response.Content.Headers.ContentRange is { } range) context.Response.Headers.ContentRange = range.ToString();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(context.Response.Body, ct);
        });
        await app.RunAsync();
    }
}

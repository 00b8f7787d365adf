using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CinemaSync.Contracts;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Drive;

/// <summary>
/// A small typed Drive v3 client on <see cref="HttpClient"/>: <c>files.list</c>, <c>files.get</c> and
/// <c>alt=media</c> downloads with <c>Range</c>. Every call retries 429, 5xx and network errors (at most
/// <see cref="DriveOptions.MaxAttempts"/> tries, exponential backoff with jitter, <c>Retry-After</c>
/// honoured), and retries once with a refreshed token when Drive answers 401. Drive's 404 becomes
/// <c>file_not_found</c>, anything else <c>drive_error</c>. Media downloads go through the named client
/// <see cref="StreamClientName"/>, whose connection pool is not the one of metadata calls.
/// </summary>
public sealed class DriveClient(HttpClient http, IHttpClientFactory clients, IOptions<DriveOptions> options, ILogger<DriveClient> log)
{
    /// <summary>The named <see cref="HttpClient"/> of stream bytes (its own pool, <c>Stream:MaxConnections</c>).</summary>
    public const string StreamClientName = "drive-stream";

    /// <summary>What this server reads of a file.</summary>
    public const string FileFields = "id,name,mimeType,size,modifiedTime,thumbnailLink,videoMediaMetadata(durationMillis)";

    private DriveOptions Options => options.Value;
    private string BaseUrl => Options.BaseUrl.TrimEnd('/');

    public async Task<DriveFileList> ListAsync(DriveAccess access, DriveListRequest request, CancellationToken ct)
    {
        var url = new StringBuilder($"{BaseUrl}/files?q={Uri.EscapeDataString(request.Query)}")
            .Append($"&pageSize={request.PageSize}")
            .Append($"&fields={Uri.EscapeDataString($"nextPageToken,files({FileFields})")}")
            .Append("&supportsAllDrives=true&includeItemsFromAllDrives=true");
        if (!string.IsNullOrEmpty(request.PageToken)) url.Append($"&pageToken={Uri.EscapeDataString(request.PageToken)}");
        if (!string.IsNullOrEmpty(request.OrderBy)) url.Append($"&orderBy={Uri.EscapeDataString(request.OrderBy)}");
        using var response = await SendAsync(http, access, () => new HttpRequestMessage(HttpMethod.Get, url.ToString()),
            HttpCompletionOption.ResponseContentRead, ct);
        await EnsureSuccessAsync(response, "list files", ct);
        return await ReadJsonAsync<DriveFileList>(response, ct);
    }

    public async Task<DriveFile> GetAsync(DriveAccess access, string fileId, CancellationToken ct)
    {
        var url = $"{BaseUrl}/files/{Uri.EscapeDataString(fileId)}?fields={Uri.EscapeDataString(FileFields)}&supportsAllDrives=true";
        using var response = await SendAsync(http, access, () => new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseContentRead, ct);
        await EnsureSuccessAsync(response, "read the file", ct);
        return await ReadJsonAsync<DriveFile>(response, ct);
    }

    /// <summary>
    /// Opens the file's bytes (<c>alt=media</c>), returning as soon as Drive's headers arrive; the caller
    /// reads and disposes the body. 200, 206 and 416 are returned as they are; other statuses throw.
    /// </summary>
    public async Task<HttpResponseMessage> OpenMediaAsync(DriveAccess access, string fileId, string? range, string? ifRange, CancellationToken ct)
    {
        var url = $"{BaseUrl}/files/{Uri.EscapeDataString(fileId)}?alt=media&supportsAllDrives=true";
        var response = await SendAsync(clients.CreateClient(StreamClientName), access, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
            if (ifRange is not null) request.Headers.TryAddWithoutValidation("If-Range", ifRange);
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
        using (response) await EnsureSuccessAsync(response, "read the file's bytes", ct);
        throw new InvalidOperationException("unreachable");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, DriveAccess access, Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken ct)
    {
        var token = await access.TokenAsync(ct);
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(Options.Timeout);
                try
                {
                    response = await client.SendAsync(request, completion, timeout.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is OperationCanceledException && !ct.IsCancellationRequested)
                {
                    if (attempt >= Options.MaxAttempts)
                        throw new DriveException(ErrorCodes.DriveError, "Google Drive could not be reached.", inner: ex);
                    log.LogInformation("Drive request failed ({Error}); try {Attempt} of {Max}", ex.Message, attempt, Options.MaxAttempts);
                    await Task.Delay(Backoff(attempt), ct);
                    continue;
                }
            }

            var status = (int)response.StatusCode;
            if (status == 401 && !refreshed)
            {
                response.Dispose();
                token = await access.RefreshedTokenAsync(ct);
                refreshed = true;
                attempt--; // a refreshed token is not a retry
                continue;
            }
            if ((status == 429 || status >= 500) && attempt < Options.MaxAttempts)
            {
                var delay = RetryAfter(response) ?? Backoff(attempt);
                response.Dispose();
                if (delay > Options.MaxRetryDelay)
                    throw new DriveException(ErrorCodes.DriveError, $"Google Drive asked to wait {delay.TotalSeconds:0} s; try again later.");
                log.LogInformation("Drive answered {Status}; retrying in {Delay} ms (try {Attempt} of {Max})", status, (int)delay.TotalMilliseconds, attempt, Options.MaxAttempts);
                await Task.Delay(delay, ct);
                continue;
            }
            return response;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = Options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        return delay * (0.8 + Random.Shared.NextDouble() * 0.4);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter) return null;
        if (retryAfter.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retryAfter.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var reason = await ReasonAsync(response, ct);
        log.LogInformation("Drive refused to {What}: {Status} {Reason}", what, status, reason);
        if (status == 404) throw new DriveException(ErrorCodes.FileNotFound, "The Drive file does not exist or cannot be read with these credentials.");
        var message = status switch
        {
            401 => "Google Drive refused the credentials.",
            403 => $"Google Drive refused to {what} ({reason ?? "forbidden"}).",
            429 => "Google Drive is rate limiting this server; try again later.",
            >= 500 => "Google Drive is failing; try again later.",
            _ => $"Google Drive answered {status} ({reason ?? "error"}).",
        };
        throw new DriveException(ErrorCodes.DriveError, message);
    }

    /// <summary>Drive's short error reason (<c>error.errors[0].reason</c> or <c>error.status</c>), read from at most 8 KB.</summary>
    private static async Task<string?> ReasonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            if (response.Content.Headers.ContentLength is > 8192) return null;
            var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
            if (!json.TryGetProperty("error", out var error) || error.ValueKind != System.Text.Json.JsonValueKind.Object) return null;
            if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == System.Text.Json.JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].TryGetProperty("reason", out var reason))
                return reason.GetString();
            return error.TryGetProperty("status", out var s) ? s.GetString() : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or HttpRequestException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(DriveJson.Options, ct)
                   ?? throw new DriveException(ErrorCodes.DriveError, "Google Drive answered an empty body.");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            throw new DriveException(ErrorCodes.DriveError, "Google Drive answered something that is not a Drive response.", inner: ex);
        }
    }
}

using System.Net;
using CinemaSync.Contracts;
using CinemaSync.Web.Drive;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CinemaSync.Web.Subtitles;

/// <summary>
/// Reads a track's file — a direct link over bounded HTTP (timeout, size cap, http/https redirects
/// only) or a Drive file through <see cref="DriveClient"/> with its owner's rights — and converts it
/// to WebVTT. Converted files are kept in memory for <see cref="SubtitleOptions.CacheDuration"/>,
/// keyed by where they come from.
/// </summary>
public sealed class SubtitleFiles(IHttpClientFactory clients, DriveAccounts accounts, DriveClient drive, IOptions<SubtitleOptions> options) : IDisposable
{
    public const string ClientName = "subtitles";

    private const long CacheChars = 64L * 1024 * 1024;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheChars });

    private SubtitleOptions Options => options.Value;

    /// <summary>The track as WebVTT, or <c>invalid_subtitle</c>, <c>subtitle_unavailable</c>, or a Drive error code.</summary>
    public async Task<RoomResult<string>> ReadAsWebVttAsync(MovieSource source, CancellationToken ct)
    {
        var key = $"{source.Type}|{source.Url}|{source.FileId}|{source.Owner}|{source.DriveUserId}";
        if (_cache.TryGetValue(key, out string? cached)) return RoomResult<string>.Ok(cached!);
        byte[]? bytes;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.FetchTimeout);
        try
        {
            bytes = source.Type == MovieSourceTypes.GoogleDrive
                ? await ReadDriveAsync(source, timeout.Token)
                : await ReadLinkAsync(new Uri(source.Url!), timeout.Token);
        }
        catch (DriveException ex)
        {
            return RoomResult<string>.Fail(ex.Code, ex.Message);
        }
        catch (SubtitleFetchException ex)
        {
            return RoomResult<string>.Fail(ErrorCodes.SubtitleUnavailable, ex.Message);
        }
        catch (HttpRequestException ex) when (ex.InnerException is NotPublicAddressException refused)
        {
            return RoomResult<string>.Fail(ErrorCodes.SubtitleUnavailable, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return RoomResult<string>.Fail(ErrorCodes.SubtitleUnavailable, $"The subtitle file could not be read ({ex.HttpRequestError}).");
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && !ct.IsCancellationRequested)
        {
            return RoomResult<string>.Fail(ErrorCodes.SubtitleUnavailable, $"The subtitle file did not arrive within {Options.FetchTimeout.TotalSeconds:0} s.");
        }
        if (bytes is null)
            return RoomResult<string>.Fail(ErrorCodes.InvalidSubtitle, $"The subtitle file is larger than {SubtitleValues.MaxFileBytes / 1024} KiB.");

        var converted = WebVttConverter.Convert(bytes, SubtitleValues.MaxFileBytes);
        if (converted.WebVtt is not { } webVtt) return RoomResult<string>.Fail(ErrorCodes.InvalidSubtitle, converted.Problem!);
        _cache.Set(key, webVtt, new MemoryCacheEntryOptions { Size = webVtt.Length, AbsoluteExpirationRelativeToNow = Options.CacheDuration });
        return RoomResult<string>.Ok(webVtt);
    }

    private async Task<byte[]?> ReadDriveAsync(MovieSource source, CancellationToken ct)
    {
        var access = accounts.For(source.Owner ?? MovieOwners.Service, source.DriveUserId);
        using var response = await drive.OpenMediaAsync(access, source.FileId!, range: null, ifRange: null, ct);
        if (!response.IsSuccessStatusCode) throw new DriveException(ErrorCodes.DriveError, $"Drive answered {(int)response.StatusCode} for the subtitle file.");
        return await ReadCappedAsync(response, ct);
    }

    /// <summary>Follows at most <see cref="SubtitleOptions.MaxRedirects"/> redirects itself, so none leads off http and https.</summary>
    private async Task<byte[]?> ReadLinkAsync(Uri url, CancellationToken ct)
    {
        var http = clients.CreateClient(ClientName);
        for (var hop = 0; ; hop++)
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (hop >= Options.MaxRedirects) throw new SubtitleFetchException($"The subtitle link redirects more than {Options.MaxRedirects} times.");
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                    throw new SubtitleFetchException("The subtitle link redirects to a URL that is not http or https.");
                continue;
            }
            if (!response.IsSuccessStatusCode) throw new SubtitleFetchException($"The subtitle link answered {(int)response.StatusCode}.");
            return await ReadCappedAsync(response, ct);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and <= 399 and not 304;

    /// <summary>The body, or null when it is larger than <see cref="SubtitleValues.MaxFileBytes"/> (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > SubtitleValues.MaxFileBytes) return null;
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > SubtitleValues.MaxFileBytes) return null;
        }
        return buffer.ToArray();
    }

    public void Dispose() => _cache.Dispose();

    private sealed class SubtitleFetchException(string message) : Exception(message);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>
/// A Google Drive v3 API on loopback (<c>{BaseAddress}drive/v3</c>): <c>files.list</c> honouring <c>q</c>
/// (a parser for the terms this server uses, with Drive's string escaping: a query it cannot parse is a
/// 400, as at Google), paging and <c>orderBy</c>; <c>files.get</c>; <c>alt=media</c> with <c>Range</c>,
/// <c>If-Range</c> and <c>ETag</c>, serving deterministic bytes generated from a seed (a 1 GB file needs
/// no disk). Callers are told apart by their access token (<c>principalOf</c>): a file is visible to its
/// owner and to whom it is shared with, else 404. It records every request's Authorization header,
/// counts the bytes it served, and can fail the next N calls. A file may answer its bytes with another
/// <c>Content-Type</c> than its metadata says, and may stall mid-body until <see cref="ReleaseStalledMedia"/>
/// (a slow stream that holds its connection).
/// </summary>
public sealed class FakeDriveServer : IAsyncDisposable
{
    public const string ApiPath = "/drive/v3";

    public sealed class FakeFile
    {
        public required string Id { get; init; }
        public required string Name { get; set; }
        public string MimeType { get; set; } = "video/mp4";
        public long Size { get; set; }
        public int Seed { get; set; }
        public required string Owner { get; init; }
        public HashSet<string> SharedWith { get; } = [];
        public List<string> Parents { get; } = ["root"];
        public bool Trashed { get; set; }
        public DateTimeOffset ModifiedTime { get; set; } = DateTimeOffset.UnixEpoch.AddDays(20000);
        public long? DurationMs { get; set; }
        /// <summary>Bytes to serve instead of generated ones (a subtitle file); set through <see cref="AddTextFile"/>.</summary>
        public byte[]? Content { get; set; }
        /// <summary>The <c>Content-Type</c> of its bytes; null: <see cref="MimeType"/>.</summary>
        public string? MediaContentType { get; set; }
        /// <summary>Media answers send this many bytes, then wait for <see cref="ReleaseStalledMedia"/>; null: no stall.</summary>
        public long? StallAfterBytes { get; set; }
        public string ETag => $"\"{Seed:x}-{Size:x}\"";
        public bool VisibleTo(string principal) => principal == Owner || SharedWith.Contains(principal);
    }

    public sealed record RecordedRequest(string PathAndQuery, string? Authorization, string? Range, string? Query);

    private readonly ConcurrentDictionary<string, FakeFile> _files = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<string, string?> _principalOf;
    private readonly object _failLock = new();
    private int _failCount;
    private int _failStatus;
    private string? _failRetryAfter;
    private long _bytesServed;
    private int _mediaRequests;
    private int _stalled;
    private TaskCompletionSource _stallGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;

    private FakeDriveServer(Func<string, string?> principalOf) => _principalOf = principalOf;

    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>What <c>GOOGLE_DRIVE_BASE_URL</c> is set to.</summary>
    public string ApiBaseUrl => new Uri(BaseAddress, ApiPath).ToString();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();
    public long BytesServed => Interlocked.Read(ref _bytesServed);
    public int MediaRequests => Volatile.Read(ref _mediaRequests);
    /// <summary>Media answers waiting, mid-body, for <see cref="ReleaseStalledMedia"/>.</summary>
    public int StalledStreams => Volatile.Read(ref _stalled);

    /// <summary>Lets every stalled media answer go on (later ones stall again).</summary>
    public void ReleaseStalledMedia() =>
        Interlocked.Exchange(ref _stallGate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    /// <summary>Access tokens that get 401 (expired or revoked at "Google").</summary>
    public ConcurrentDictionary<string, bool> RejectedTokens { get; } = new();

    /// <param name="principalOf">Whose an access token is (an e-mail), or null when it is unknown.</param>
    public static async Task<FakeDriveServer> StartAsync(Func<string, string?> principalOf)
    {
        var fake = new FakeDriveServer(principalOf);
        var (app, address) = await FakeApp.StartAsync(app =>
        {
            app.MapGet(ApiPath + "/files", (Delegate)fake.List);
            app.MapGet(ApiPath + "/files/{fileId}", (Delegate)fake.Get);
        });
        fake._app = app;
        fake.BaseAddress = address;
        return fake;
    }

    public FakeFile AddFile(string owner, string name, long size, string mimeType = "video/mp4", int? seed = null, long? durationMs = 120_000,
        string? id = null)
    {
        var file = new FakeFile
        {
            Id = id ?? "f" + Guid.NewGuid().ToString("N")[..20],
            Owner = owner,
            Name = name,
            Size = size,
            MimeType = mimeType,
            Seed = seed ?? Random.Shared.Next(),
            DurationMs = durationMs,
        };
        _files[file.Id] = file;
        return file;
    }

    /// <summary>A file whose bytes are <paramref name="content"/> (a subtitle file, say).</summary>
    public FakeFile AddTextFile(string owner, string name, byte[] content, string mimeType = "application/x-subrip")
    {
        var file = AddFile(owner, name, content.Length, mimeType, durationMs: null);
        file.Content = content;
        return file;
    }

    public FakeFile File(string id) => _files[id];

    public void RemoveFile(string id) => _files.TryRemove(id, out _);

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="status"/> (with <c>Retry-After</c> when given).</summary>
    public void FailNext(int count, int status, string? retryAfter = null)
    {
        lock (_failLock)
        {
            _failCount = count;
            _failStatus = status;
            _failRetryAfter = retryAfter;
        }
    }

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _bytesServed, 0);
        Interlocked.Exchange(ref _mediaRequests, 0);
        _requests.Clear();
    }

    private IResult? Refuse(HttpContext context, out string principal)
    {
        principal = "";
        var authorization = context.Request.Headers.Authorization.ToString();
        _requests.Enqueue(new RecordedRequest(context.Request.Path + context.Request.QueryString, authorization.Length == 0 ? null : authorization,
            context.Request.Headers.Range.ToString() is { Length: > 0 } r ? r : null,
            context.Request.Query.TryGetValue("q", out var q) ? q.ToString() : null));
        lock (_failLock)
        {
            if (_failCount > 0)
            {
                _failCount--;
                if (_failRetryAfter is not null) context.Response.Headers.RetryAfter = _failRetryAfter;
                return DriveError(_failStatus, _failStatus == 429 ? "rateLimitExceeded" : "backendError");
            }
        }
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (token.Length == 0 || RejectedTokens.ContainsKey(token) || _principalOf(token) is not { } who)
            return DriveError(401, "authError");
        principal = who;
        return null;
    }

    private IResult List(HttpContext context)
    {
        if (Refuse(context, out var principal) is { } refused) return refused;
        var query = context.Request.Query;
        Func<FakeFile, bool> filter;
        try
        {
            filter = DriveQueryParser.Parse(query["q"].ToString());
        }
        catch (FormatException ex)
        {
            return DriveError(400, "invalid", ex.Message);
        }
        var pageSize = int.TryParse(query["pageSize"], out var ps) ? Math.Clamp(ps, 1, 1000) : 100;
        var offset = query["pageToken"].ToString() is { Length: > 0 } pt ? int.Parse(pt[1..], CultureInfo.InvariantCulture) : 0;
        var visible = _files.Values.Where(f => f.VisibleTo(principal) && filter(f));
        visible = query["orderBy"].ToString() switch
        {
            "modifiedTime desc" => visible.OrderByDescending(f => f.ModifiedTime).ThenBy(f => f.Id, StringComparer.Ordinal),
            "name" => visible.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id, StringComparer.Ordinal),
            _ => visible.OrderBy(f => f.Id, StringComparer.Ordinal),
        };
        var all = visible.ToList();
        var page = all.Skip(offset).Take(pageSize).Select(Metadata).ToList();
        var next = offset + pageSize < all.Count ? $"p{offset + pageSize}" : null;
        return next is null ? Results.Json(new { files = page }) : Results.Json(new { nextPageToken = next, files = page });
    }

    private async Task Get(HttpContext context, string fileId)
    {
        if (Refuse(context, out var principal) is { } refused)
        {
            await refused.ExecuteAsync(context);
            return;
        }
        if (!_files.TryGetValue(fileId, out var file) || !file.VisibleTo(principal))
        {
            await DriveError(404, "notFound", $"File not found: {fileId}.").ExecuteAsync(context);
            return;
        }
        if (context.Request.Query["alt"] != "media")
        {
            await Results.Json(Metadata(file)).ExecuteAsync(context);
            return;
        }
        await MediaAsync(context, file);
    }

    private async Task MediaAsync(HttpContext context, FakeFile file)
    {
        Interlocked.Increment(ref _mediaRequests);
        var response = context.Response;
        long start = 0, end = file.Size - 1;
        var partial = false;
        var range = context.Request.Headers.Range.ToString();
        var ifRange = context.Request.Headers.IfRange.ToString();
        if (range.Length > 0 && (ifRange.Length == 0 || ifRange == file.ETag))
        {
            if (!TryParseRange(range, file.Size, out start, out end))
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{file.Size}";
                return;
            }
            partial = true;
        }
        response.StatusCode = partial ? 206 : 200;
        response.ContentType = file.MediaContentType ?? file.MimeType;
        response.ContentLength = end - start + 1;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = file.ETag;
        if (partial) response.Headers.ContentRange = $"bytes {start}-{end}/{file.Size}";

        var buffer = new byte[64 * 1024];
        var ct = context.RequestAborted;
        var stallAt = file.StallAfterBytes is { } stall ? start + stall : long.MaxValue;
        try
        {
            for (var position = start; position <= end;)
            {
                if (position >= stallAt)
                {
                    stallAt = long.MaxValue;
                    var gate = Volatile.Read(ref _stallGate).Task;
                    Interlocked.Increment(ref _stalled);
                    try
                    {
                        await gate.WaitAsync(ct);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _stalled);
                    }
                }
                var count = (int)Math.Min(Math.Min(buffer.Length, end - position + 1), stallAt - position);
                if (file.Content is { } content) content.AsSpan((int)position, count).CopyTo(buffer);
                else FakeBytes.Fill(file.Seed, position, buffer.AsSpan(0, count));
                await response.Body.WriteAsync(buffer.AsMemory(0, count), ct);
                Interlocked.Add(ref _bytesServed, count);
                position += count;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The reader went away.
        }
    }

    private static bool TryParseRange(string header, long size, out long start, out long end)
    {
        start = 0;
        end = size - 1;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',')) return false;
        var spec = header[6..].Split('-');
        if (spec.Length != 2) return false;
        if (spec[0].Length == 0)
        {
            if (!long.TryParse(spec[1], out var suffix) || suffix <= 0 || size == 0) return false;
            start = Math.Max(0, size - suffix);
            return true;
        }
        if (!long.TryParse(spec[0], out start) || start >= size) return false;
        if (spec[1].Length > 0)
        {
            if (!long.TryParse(spec[1], out var last) || last < start) return false;
            end = Math.Min(last, size - 1);
        }
        return true;
    }

    private static Dictionary<string, object?> Metadata(FakeFile file)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = file.Id,
            ["name"] = file.Name,
            ["mimeType"] = file.MimeType,
            ["size"] = file.Size.ToString(CultureInfo.InvariantCulture),
            ["modifiedTime"] = file.ModifiedTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["thumbnailLink"] = $"https://lh3.googleusercontent.test/{file.Id}=s220",
        };
        if (file.DurationMs is { } d) json["videoMediaMetadata"] = new { durationMillis = d.ToString(CultureInfo.InvariantCulture) };
        return json;
    }

    private static IResult DriveError(int status, string reason, string? message = null) =>
        Results.Json(new { error = new { code = status, message = message ?? reason, errors = new[] { new { domain = "global", reason, message = message ?? reason } } } },
            statusCode: status);

    public async ValueTask DisposeAsync()
    {
        ReleaseStalledMedia();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The bytes of a fake file: byte <c>i</c> of seed <c>s</c> is <c>table(s)[i mod L]</c>, where the table is
/// <c>L</c> (an odd number just under 4 MiB) random bytes drawn from <c>Random(s)</c>. Filling is a memory
/// copy, so generating is never what a benchmark measures, and offsets misplaced by a range are caught.
/// </summary>
public static class FakeBytes
{
    public const int TableLength = 4 * 1024 * 1024 - 3;
    private static readonly ConcurrentDictionary<int, byte[]> Tables = new();

    private static byte[] Table(int seed) => Tables.GetOrAdd(seed, s =>
    {
        var table = new byte[TableLength];
        new Random(s).NextBytes(table);
        return table;
    });

    public static void Fill(int seed, long position, Span<byte> destination)
    {
        var table = Table(seed);
        var offset = (int)(position % TableLength);
        while (destination.Length > 0)
        {
            var count = Math.Min(destination.Length, TableLength - offset);
            table.AsSpan(offset, count).CopyTo(destination);
            destination = destination[count..];
            offset = 0;
        }
    }

    /// <summary>SHA-256 of bytes <paramref name="start"/>..<paramref name="end"/> (inclusive) of a seed's file.</summary>
    public static byte[] Sha256(int seed, long start, long end)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (var position = start; position <= end;)
        {
            var count = (int)Math.Min(buffer.Length, end - position + 1);
            Fill(seed, position, buffer.AsSpan(0, count));
            hash.AppendData(buffer, 0, count);
            position += count;
        }
        return hash.GetHashAndReset();
    }
}

/// <summary>
/// Parses the subset of Drive's query language this server sends: terms joined by <c>and</c>, each
/// <c>name contains '…'</c>, <c>name = '…'</c>, <c>mimeType contains '…'</c>, <c>mimeType = '…'</c>,
/// <c>'…' in parents</c> or <c>trashed = true|false</c>; string literals in single quotes with <c>\'</c>
/// and <c>\\</c> escapes. Anything else throws <see cref="FormatException"/> (Drive answers 400).
/// </summary>
public static class DriveQueryParser
{
    public static Func<FakeDriveServer.FakeFile, bool> Parse(string q)
    {
        var tokens = Tokenize(q);
        var terms = new List<Func<FakeDriveServer.FakeFile, bool>>();
        var i = 0;
        while (i < tokens.Count)
        {
            terms.Add(Term(tokens, ref i));
            if (i < tokens.Count)
            {
                if (tokens[i] is not { IsLiteral: false, Text: "and" }) throw new FormatException($"Expected 'and' at token {i}.");
                i++;
                if (i == tokens.Count) throw new FormatException("Dangling 'and'.");
            }
        }
        return file => terms.All(t => t(file));
    }

    private static Func<FakeDriveServer.FakeFile, bool> Term(List<(string Text, bool IsLiteral)> tokens, ref int i)
    {
        (string Text, bool IsLiteral) Next(ref int j) => j < tokens.Count ? tokens[j++] : throw new FormatException("Query ends mid-term.");
        var first = Next(ref i);
        if (first.IsLiteral)
        {
            if (Next(ref i) is not { IsLiteral: false, Text: "in" } || Next(ref i) is not { IsLiteral: false, Text: "parents" })
                throw new FormatException("Expected 'in parents'.");
            var parent = first.Text;
            return f => f.Parents.Contains(parent);
        }
        var op = Next(ref i);
        var value = Next(ref i);
        switch (first.Text, op.Text, value.IsLiteral)
        {
            case ("name", "contains", true): return f => f.Name.Contains(value.Text, StringComparison.OrdinalIgnoreCase);
            case ("name", "=", true): return f => f.Name == value.Text;
            case ("mimeType", "contains", true): return f => f.MimeType.Contains(value.Text, StringComparison.Ordinal);
            case ("mimeType", "=", true): return f => f.MimeType == value.Text;
            case ("trashed", "=", false) when value.Text is "true" or "false":
                var trashed = value.Text == "true";
                return f => f.Trashed == trashed;
            default: throw new FormatException($"Unsupported term '{first.Text} {op.Text} {value.Text}'.");
        }
    }

    private static List<(string Text, bool IsLiteral)> Tokenize(string q)
    {
        var tokens = new List<(string, bool)>();
        for (var i = 0; i < q.Length;)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var text = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= q.Length) throw new FormatException("Unterminated string literal.");
                    var ch = q[i++];
                    if (ch == '\'') break;
                    if (ch == '\\')
                    {
                        if (i >= q.Length || q[i] is not ('\'' or '\\')) throw new FormatException("Bad escape in string literal.");
                        ch = q[i++];
                    }
                    text.Append(ch);
                }
                tokens.Add((text.ToString(), true));
                continue;
            }
            if (c == '=') { tokens.Add(("=", false)); i++; continue; }
            var start = i;
            while (i < q.Length && (char.IsLetterOrDigit(q[i]) || q[i] == '_')) i++;
            if (i == start) throw new FormatException($"Unexpected '{c}'.");
            tokens.Add((q[start..i], false));
        }
        return tokens;
    }
}

using System.Text.Json;

namespace CinemaSync.Web.Api;

/// <summary>Reads a request body as JSON without letting a malformed or huge one escape as a 500.</summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body as a JSON element (Undefined when empty), or null when it is not JSON.</summary>
    public static async Task<JsonElement?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0) return default(JsonElement);
        if (request.ContentLength > MaxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return default(JsonElement);
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

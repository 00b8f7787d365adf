using System.Net;
using System.Net.Sockets;
using CinemaSync.Grains.Hosting;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// Each listen address can be bound, checked before anything starts: a second server on the same
/// port (the usual first-day mistake) is refused with one line naming <c>ASPNETCORE_URLS</c>
/// instead of Kestrel's stack trace after the silo has started.
/// </summary>
public sealed class ListenAddressCheck(IReadOnlyList<string> urls) : IStartupCheck
{
    public void Check()
    {
        foreach (var url in urls)
        {
            if (Endpoint(url) is not { } endpoint) continue;
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(endpoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new SettingException($"ASPNETCORE_URLS: {url} is already in use by another process. Stop it, or set ASPNETCORE_URLS to a free address (e.g. http://127.0.0.1:{endpoint.Port + 1}).");
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressNotAvailable)
            {
                throw new SettingException($"ASPNETCORE_URLS: {url} is not an address of this machine. Use one of its addresses, 127.0.0.1 or 0.0.0.0.");
            }
        }
    }

    /// <summary>The address a URL listens on, when it names a port; null for what Kestrel resolves itself (port 0, host names).</summary>
    private static IPEndPoint? Endpoint(string url)
    {
        var wildcard = url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
        if (!Uri.TryCreate(wildcard, UriKind.Absolute, out var uri) || uri.Port <= 0) return null;
        if (uri.IsLoopback && uri.Host == "localhost") return new IPEndPoint(IPAddress.Loopback, uri.Port);
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) ? new IPEndPoint(address, uri.Port) : null;
    }
}

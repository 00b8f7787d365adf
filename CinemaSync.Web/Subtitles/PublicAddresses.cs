using System.Net;
using System.Net.Sockets;

namespace CinemaSync.Web.Subtitles;

/// <summary>
/// Which addresses the server may fetch a user-given link from: public ones only, so a room's host
/// cannot aim the server at its own network (loopback, private, link-local, carrier-grade NAT,
/// multicast). Checked on the address actually connected to, so DNS cannot hand over another one.
/// </summary>
public static class PublicAddresses
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or >= 224
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168));
        }
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
    }

    /// <summary>A connect callback for <see cref="SocketsHttpHandler"/> that connects only to addresses <paramref name="allowed"/> accepts.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectOnly(Func<IPAddress, bool> allowed) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var usable = addresses.Where(allowed).ToArray();
            if (usable.Length == 0) throw new NotPublicAddressException(host);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}

public sealed class NotPublicAddressException(string host)
    : IOException($"{host} is not a public address: the server fetches subtitle links from the internet only.");

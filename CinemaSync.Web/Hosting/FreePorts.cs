using System.Net;
using System.Net.Sockets;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// A free loopback TCP port. Orleans cannot bind port 0 itself, and on Linux two processes can
/// silently share an Orleans port, so never fall back on Orleans' fixed defaults.
/// </summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

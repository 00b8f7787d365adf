using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace CinemaSync.LoadTest;

/// <summary>
/// Opens every client TCP connection (REST and WebSocket) itself, so TCP_NODELAY is not an
/// assumption: the socket is created with <c>NoDelay = true</c>, and after connecting the
/// option is read back from the kernel (getsockopt) and counted. SocketsHttpHandler's own
/// connect does set NoDelay too, but this way the load tester can say so from evidence.
/// </summary>
public sealed class NoDelayConnector : IDisposable
{
    private long _sockets;
    private long _noDelayOn;
    private readonly SocketsHttpHandler _handler;

    public NoDelayConnector()
    {
        _handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        Invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    /// <summary>Shared by every WebSocket; a WebSocket upgrade takes its connection out of the pool.</summary>
    public HttpMessageInvoker Invoker { get; }

    public HttpClient CreateHttpClient(string baseUrl) =>
        new(_handler, disposeHandler: false) { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };

    public long Sockets => Interlocked.Read(ref _sockets);
    public long NoDelayOn => Interlocked.Read(ref _noDelayOn);

    public string Describe() =>
        $"client TCP_NODELAY: set on each socket in SocketsHttpHandler.ConnectCallback and read back with getsockopt: {NoDelayOn}/{Sockets} sockets on";

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        Interlocked.Increment(ref _sockets);
        if (socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay) is int on && on != 0)
        {
            Interlocked.Increment(ref _noDelayOn);
        }
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// The SignalR client's WebSocketFactory: a ClientWebSocket over <see cref="Invoker"/>. A custom
    /// factory replaces the client's default one, which is what adds the access token, so the
    /// token goes on the query string as <c>access_token</c> (the contract's hub authentication).
    /// </summary>
    public async ValueTask<WebSocket> CreateWebSocketAsync(WebSocketConnectionContext context, string token, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(context.Uri);
        builder.Scheme = builder.Scheme switch { "http" => "ws", "https" => "wss", var s => s };
        string query = builder.Query.TrimStart('?');
        string tokenPart = "access_token=" + Uri.EscapeDataString(token);
        builder.Query = query.Length == 0 ? tokenPart : query + "&" + tokenPart;

        var ws = new ClientWebSocket();
        ws.Options.HttpVersion = HttpVersion.Version11;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        ws.Options.SetRequestHeader("X-Requested-With", "XMLHttpRequest");
        try
        {
            await ws.ConnectAsync(builder.Uri, Invoker, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
        return ws;
    }

    public void Dispose()
    {
        Invoker.Dispose();
        _handler.Dispose();
    }
}

using System.Net;
using Microsoft.Extensions.Configuration;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// How a silo or a client finds the rest of the cluster, and how a web node reaches its grains:
/// section <c>Orleans</c> (and <c>REDIS_CONNECTION</c>, which wins over <c>Orleans:RedisConnection</c>;
/// MongoDB clustering uses the grain store's <c>MONGODB_URI</c>). Silo and web node read the same
/// keys through this one class.
/// </summary>
public sealed class ClusterSettings : IValidatedSettings, ISettingsWithAliases
{
    public const string Section = "Orleans";

    public const string Localhost = "localhost";
    public const string Redis = "redis";
    public const string MongoDb = "mongodb";

    public const string CoHostedSiloMode = "silo";
    public const string ClientMode = "client";

    /// <summary>
    /// Web node only: <c>silo</c> (default; <c>cohosted</c> and <c>single-process</c> mean the same)
    /// co-hosts a silo; <c>client</c> joins an external cluster as an Orleans client.
    /// </summary>
    public string Mode { get; set; } = CoHostedSiloMode;

    /// <summary><c>Orleans:Clustering</c>: <c>localhost</c> (default), <c>redis</c> or <c>mongodb</c>.</summary>
    public string Clustering { get; set; } = Localhost;

    public string ClusterId { get; set; } = "cinemasync-local";
    public string ServiceId { get; set; } = "cinemasync";

    /// <summary>The address other silos and clients reach this silo on (default loopback).</summary>
    public string AdvertisedIP { get; set; } = "";

    /// <summary>Bind 0.0.0.0 and advertise <see cref="AdvertisedIP"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    public int? SiloPort { get; set; }
    public int? GatewayPort { get; set; }

    /// <summary>Localhost clustering with several silos: the silo port of the primary (the membership seed).</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>Localhost clustering, client side: gateway ports to try, comma-separated (else <see cref="GatewayPort"/>).</summary>
    public string Gateways { get; set; } = "";

    /// <summary>A StackExchange.Redis configuration string, for <c>Orleans:Clustering=redis</c>.</summary>
    public string RedisConnection { get; set; } = "";

    /// <summary>TLS on the silo and gateway ports (<c>Orleans:Tls:*</c>); no certificate: plain TCP.</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    /// <summary>Web node: maps <c>/api/cluster</c>; unset: on in Development only.</summary>
    public bool? DiagnosticsEndpoint { get; set; }

    /// <summary>The grain store's MongoDB (<c>MONGODB_URI</c>), for <c>Orleans:Clustering=mongodb</c>.</summary>
    public MongoSettings? Mongo { get; private set; }

    public string NormalizedClustering => Clustering.Trim().ToLowerInvariant() is { Length: > 0 } c ? c : Localhost;

    public string NormalizedMode => Mode.Trim().ToLowerInvariant() switch
    {
        "" or "cohosted" or "single-process" => CoHostedSiloMode,
        var mode => mode,
    };

    public IPAddress AdvertisedAddress => AdvertisedIP.Length > 0 ? IPAddress.Parse(AdvertisedIP) : IPAddress.Loopback;

    /// <summary>The gateway ports a localhost-clustering client tries.</summary>
    public int[] GatewayPorts => SplitPorts() is { Length: > 0 } ports ? ports : GatewayPort is { } single ? [single] : [];

    private readonly Lazy<ClusterTls?> _tls;

    public ClusterSettings() => _tls = new(() => ClusterTls.From(Tls));

    /// <summary>The loaded certificate and trust list; null for plain TCP. Loaded once (validation loads it).</summary>
    public ClusterTls? LoadTls() => _tls.Value;

    public void ReadAliases(IConfiguration configuration)
    {
        if (configuration["REDIS_CONNECTION"] is { Length: > 0 } redis) RedisConnection = redis;
        Mongo = configuration.ReadValidatedSettings<StorageSettings>(StorageSettings.Section).Mongo;
    }

    public IEnumerable<string> Problems()
    {
        var clustering = NormalizedClustering;
        if (clustering is not (Localhost or Redis or MongoDb))
            yield return $"Orleans:Clustering must be '{Localhost}', '{Redis}' or '{MongoDb}', not '{Clustering}'.";
        if (NormalizedMode is not (CoHostedSiloMode or ClientMode))
            yield return $"Orleans:Mode must be '{CoHostedSiloMode}' (default) or '{ClientMode}', not '{Mode}'.";
        if (ClusterId.Trim().Length == 0) yield return "Orleans:ClusterId must not be empty.";
        if (ServiceId.Trim().Length == 0) yield return "Orleans:ServiceId must not be empty.";
        if (AdvertisedIP.Length > 0 && !IPAddress.TryParse(AdvertisedIP, out _))
            yield return $"Orleans:AdvertisedIP must be an IP address, not '{AdvertisedIP}'.";
        foreach (var (key, port) in new[] { ("SiloPort", SiloPort), ("GatewayPort", GatewayPort), ("PrimarySiloPort", PrimarySiloPort) })
            if (port is < 0 or > 65535) yield return $"Orleans:{key} must be a port number (0-65535), not '{port}'.";
        if (SplitPorts() is null)
            yield return $"Orleans:Gateways must list port numbers separated by commas, not '{Gateways}'.";
        else if (NormalizedMode == ClientMode && clustering == Localhost && GatewayPorts.Length == 0)
            yield return "Orleans:Mode=client with localhost clustering needs Orleans:GatewayPort or Orleans:Gateways (the silos' gateway ports).";
        if (clustering == Redis && RedisConnection.Trim().Length == 0)
            yield return "Orleans:Clustering=redis needs REDIS_CONNECTION (or Orleans:RedisConnection), e.g. 127.0.0.1:6379.";
        if (clustering == MongoDb && Mongo is null)
            yield return "Orleans:Clustering=mongodb needs MONGODB_URI.";
        if (CertificateFiles.Problem(() => LoadTls()) is { } tls) yield return tls;
    }

    /// <summary>The ports of <see cref="Gateways"/>; null when one is not a port.</summary>
    private int[]? SplitPorts()
    {
        var ports = new List<int>();
        foreach (var part in Gateways.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var port) || port is <= 0 or >= 65536) return null;
            ports.Add(port);
        }
        return [.. ports];
    }

    /// <summary>For logs and <c>/api/health</c>: connection strings without their passwords.</summary>
    public override string ToString() => NormalizedClustering switch
    {
        Redis => $"redis ({ConnectionStrings.RedactRedis(RedisConnection)}), cluster {ClusterId}/{ServiceId}",
        MongoDb => $"mongodb ({Mongo}), cluster {ClusterId}/{ServiceId}",
        _ => $"localhost, cluster {ClusterId}/{ServiceId}",
    } + (LoadTls() is { } loaded ? $", TLS ({loaded})" : "");
}

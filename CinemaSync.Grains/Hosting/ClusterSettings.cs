using System.Net;
using Microsoft.Extensions.Configuration;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// How a silo or a client finds the rest of the cluster, read from the <c>Orleans</c> section
/// (and <c>REDIS_CONNECTION</c>). Silo and web node read the same keys through this one class.
/// </summary>
public sealed record ClusterSettings
{
    public const string Localhost = "localhost";
    public const string Redis = "redis";
    public const string MongoDb = "mongodb";

    /// <summary><c>Orleans:Clustering</c>: <c>localhost</c> (default), <c>redis</c> or <c>mongodb</c>.</summary>
    public string Clustering { get; init; } = Localhost;

    public string ClusterId { get; init; } = "cinemasync-local";
    public string ServiceId { get; init; } = "cinemasync";

    /// <summary>The address other silos and clients reach this silo on (<c>Orleans:AdvertisedIP</c>, default loopback).</summary>
    public IPAddress AdvertisedIP { get; init; } = IPAddress.Loopback;

    /// <summary><c>Orleans:ListenOnAnyHostAddress</c>: bind 0.0.0.0 and advertise <see cref="AdvertisedIP"/> (containers).</summary>
    public bool ListenOnAnyHostAddress { get; init; }

    public int? SiloPort { get; init; }
    public int? GatewayPort { get; init; }

    /// <summary>Localhost clustering with several silos: the silo port of the primary (the membership seed).</summary>
    public int? PrimarySiloPort { get; init; }

    /// <summary>Localhost clustering, client side: gateway ports to try (<c>Orleans:Gateways</c>, comma-separated; else <c>Orleans:GatewayPort</c>).</summary>
    public int[] Gateways { get; init; } = [];

    /// <summary><c>REDIS_CONNECTION</c> or <c>Orleans:RedisConnection</c>, a StackExchange.Redis configuration string.</summary>
    public string? RedisConnection { get; init; }

    /// <summary><c>MONGODB_URI</c>, for <c>Orleans:Clustering=mongodb</c>.</summary>
    public string? MongoConnection { get; init; }

    public string MongoDatabase { get; init; } = "cinemasync";

    /// <summary>TLS on the silo and gateway ports (<c>Orleans:Tls:*</c>); null: plain TCP.</summary>
    public ClusterTls? Tls { get; init; }

    /// <summary>Where <see cref="Claim"/> moves <c>Orleans:Clustering</c> to.</summary>
    private const string ClaimedKey = "CinemaSync:Clustering";

    /// <summary>
    /// Reads the settings and takes <c>Orleans:Clustering</c> out of Orleans' sight: Orleans binds
    /// the <c>Orleans:Clustering</c> section itself (expecting <c>ProviderType</c>), and our plain
    /// value there would make it look for a provider named "Default". The value moves to
    /// <c>CinemaSync:Clustering</c>, so reading the settings again gives the same answer.
    /// </summary>
    public static ClusterSettings Claim(IConfigurationManager configuration)
    {
        var settings = From(configuration);
        if (configuration["Orleans:Clustering"] is not null)
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:Clustering"] = null,
                [ClaimedKey] = settings.Clustering,
            });
        return settings;
    }

    public static ClusterSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Orleans");
        var clustering = (configuration[ClaimedKey] ?? section["Clustering"]) is { Length: > 0 } c ? c.Trim().ToLowerInvariant() : Localhost;
        if (clustering is not (Localhost or Redis or MongoDb))
            throw new SettingException($"Orleans:Clustering must be '{Localhost}', '{Redis}' or '{MongoDb}', not '{clustering}'.");
        var gatewayPort = Port(section, "GatewayPort");
        var gateways = (section["Gateways"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => int.TryParse(g, out var port) && port is > 0 and < 65536 ? port
                : throw new SettingException($"Orleans:Gateways must list port numbers separated by commas, not '{section["Gateways"]}'."))
            .ToArray();
        if (gateways.Length == 0 && gatewayPort is { } single) gateways = [single];
        var mongo = MongoSettings.From(configuration);
        var settings = new ClusterSettings
        {
            Clustering = clustering,
            ClusterId = section["ClusterId"] is { Length: > 0 } cluster ? cluster : "cinemasync-local",
            ServiceId = section["ServiceId"] is { Length: > 0 } service ? service : "cinemasync",
            AdvertisedIP = section["AdvertisedIP"] is { Length: > 0 } ip
                ? IPAddress.TryParse(ip, out var address) ? address : throw new SettingException($"Orleans:AdvertisedIP must be an IP address, not '{ip}'.")
                : IPAddress.Loopback,
            ListenOnAnyHostAddress = section.GetValue("ListenOnAnyHostAddress", false),
            SiloPort = Port(section, "SiloPort"),
            GatewayPort = gatewayPort,
            PrimarySiloPort = Port(section, "PrimarySiloPort"),
            Gateways = gateways,
            RedisConnection = configuration["REDIS_CONNECTION"] is { Length: > 0 } r ? r : section["RedisConnection"],
            MongoConnection = mongo?.Connection,
            MongoDatabase = mongo?.Database ?? MongoSettings.DefaultDatabase,
            Tls = ClusterTls.From(section.GetSection("Tls")),
        };
        if (clustering == Redis && string.IsNullOrWhiteSpace(settings.RedisConnection))
            throw new SettingException("Orleans:Clustering=redis needs REDIS_CONNECTION (or Orleans:RedisConnection), e.g. 127.0.0.1:6379.");
        if (clustering == MongoDb && string.IsNullOrWhiteSpace(settings.MongoConnection))
            throw new SettingException("Orleans:Clustering=mongodb needs MONGODB_URI.");
        return settings;
    }

    private static int? Port(IConfiguration section, string key) => section[key] switch
    {
        null or "" => null,
        var text when int.TryParse(text, out var port) && port is >= 0 and < 65536 => port,
        var text => throw new SettingException($"Orleans:{key} must be a port number (0-65535), not '{text}'."),
    };

    /// <summary>For logs and <c>/api/health</c>: connection strings without their passwords.</summary>
    public override string ToString() => Clustering switch
    {
        Redis => $"redis ({ConnectionStrings.RedactRedis(RedisConnection)}), cluster {ClusterId}/{ServiceId}",
        MongoDb => $"mongodb ({new MongoSettings(MongoConnection!, MongoDatabase)}), cluster {ClusterId}/{ServiceId}",
        _ => $"localhost, cluster {ClusterId}/{ServiceId}",
    } + (Tls is null ? "" : $", TLS ({Tls})");
}

using CinemaSync.Grains.Hosting;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CinemaSync.Tests.Hosting;

/// <summary>
/// Every setting is read through a bound, validated options class: a bad value stops the web node
/// while it is built (before anything listens) with one line naming it, and good values arrive.
/// In process: <see cref="CinemaSyncApp.Build"/> is what Program.cs runs inside <see cref="StartupGuard"/>.
/// </summary>
public sealed class SettingsValidationTests
{
    private static string[] Args(params string[] settings)
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        return [$"--environment=Testing", $"--urls={url}", $"--API_BASE_URL={url}", $"--JWT_SECRET={TestServer.JwtSecret}",
            $"--CINEMASYNC_DATA_DIR={Path.Combine(Path.GetTempPath(), "cinemasync-settings-" + Guid.NewGuid().ToString("N"))}",
            "--Logging:LogLevel:Default=Warning", .. settings];
    }

    /// <summary>The one line <see cref="StartupGuard"/> prints for a start with these settings.</summary>
    private static string Refusal(params string[] settings)
    {
        var failure = Record.Exception(() => CinemaSyncApp.Build(Args(settings)).DisposeAsync().AsTask().GetAwaiter().GetResult());
        Assert.NotNull(failure);
        var description = StartupGuard.Describe(failure);
        Assert.True(description is not null, $"not described as a bad setting: {failure}");
        Assert.DoesNotContain('\n', description);
        return description;
    }

    public static TheoryData<string, string[]> BadSettings => new()
    {
        { "Shutdown:DrainTime must be a time span such as 00:00:30, not 'soon'", ["--Shutdown:DrainTime=soon"] },
        { "Shutdown:DrainTime must not be negative", ["--Shutdown:DrainTime=-00:00:01"] },
        { "Orleans:ShutdownTimeout is no longer read: set Shutdown:DrainTime instead", ["--Orleans:ShutdownTimeout=00:00:10"] },
        { "Orleans:Mode must be 'silo' (default) or 'client', not 'server'", ["--Orleans:Mode=server"] },
        { "Orleans:Clustering must be 'localhost', 'redis' or 'mongodb', not 'zookeeper'", ["--Orleans:Clustering=zookeeper"] },
        { "Orleans:Clustering=redis needs REDIS_CONNECTION", ["--Orleans:Clustering=redis"] },
        { "Orleans:Clustering=mongodb needs MONGODB_URI", ["--Orleans:Clustering=mongodb"] },
        { "Orleans:AdvertisedIP must be an IP address, not 'silo-1'", ["--Orleans:AdvertisedIP=silo-1"] },
        { "Orleans:SiloPort must be a whole number, not 'eleven'", ["--Orleans:SiloPort=eleven"] },
        { "Orleans:GatewayPort must be a port number (0-65535), not '70000'", ["--Orleans:GatewayPort=70000"] },
        { "Orleans:Gateways must list port numbers separated by commas, not '30000,x'", ["--Orleans:Mode=client", "--Orleans:Gateways=30000,x"] },
        { "Orleans:Mode=client with localhost clustering needs Orleans:GatewayPort or Orleans:Gateways", ["--Orleans:Mode=client"] },
        { "Orleans:ListenOnAnyHostAddress must be true or false, not 'yes please'", ["--Orleans:ListenOnAnyHostAddress=yes please"] },
        { "Orleans:DiagnosticsEndpoint must be true or false, not 'sometimes'", ["--Orleans:DiagnosticsEndpoint=sometimes"] },
        { "Orleans:Membership:ProbeTimeout must be a time span such as 00:00:30, not 'fast'", ["--Orleans:Membership:ProbeTimeout=fast"] },
        { "Orleans:Messaging:ResponseTimeout must be a time span such as 00:00:30, not 'fast'", ["--Orleans:Messaging:ResponseTimeout=fast"] },
        { "Orleans:Messaging:ResponseTimeout must be a time span such as 00:00:30, not 'fast'",
            ["--Orleans:Mode=client", $"--Orleans:GatewayPort={FreePorts.Next()}", "--Orleans:Messaging:ResponseTimeout=fast"] },
        { "Realtime:MembershipPollInterval must be positive",
            ["--Orleans:Mode=client", $"--Orleans:GatewayPort={FreePorts.Next()}", "--Realtime:MembershipPollInterval=00:00:00"] },
        { "Realtime:ObserverRefreshInterval must be positive", ["--Realtime:ObserverRefreshInterval=00:00:00"] },
        { "Realtime:GapHoldTimeout must be positive and at most a minute", ["--Realtime:GapHoldTimeout=00:00:00"] },
        { "Realtime:GapHoldTimeout must be positive and at most a minute", ["--Realtime:GapHoldTimeout=01:00:00"] },
        { "Storage:Provider must be 'memory' or unset", ["--Storage:Provider=redis"] },
        { "Storage:StartupTimeout must be positive", ["--Storage:StartupTimeout=00:00:00"] },
        { "Storage:StartupTimeout must be a time span such as 00:00:30, not '5s'", ["--Storage:StartupTimeout=5s"] },
        { "MONGODB_URI is not a valid MongoDB connection string", ["--MONGODB_URI=mongodb://user:hunter2@[nowhere"] },
        { "MONGODB_DB_NAME must not be empty", ["--MONGODB_URI=mongodb://127.0.0.1:1", "--Storage:MongoDatabase= "] },
        { "ForwardedHeaders:KnownNetworks must list CIDR ranges", ["--ForwardedHeaders:KnownNetworks=10.0.0.0/99"] },
        { "ForwardedHeaders:KnownProxies must list IP addresses separated by commas, not 'proxy'", ["--ForwardedHeaders:KnownProxies:0=10.0.0.1", "--ForwardedHeaders:KnownProxies:1=proxy"] },
        { "Auth:TokenLifetime must be a time span such as 00:00:30, not 'a day'", ["--Auth:TokenLifetime=a day"] },
        { "Endpoints:Metrics must be true or false, not 'maybe'", ["--Endpoints:Metrics=maybe"] },
        { "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL", ["--OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Build_RefusesWithOneLineNamingTheSetting_WhenItsValueIsBad(string expected, string[] settings)
    {
        var line = Refusal(settings);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("hunter2", line);
    }

    [Fact]
    public async Task Build_AppliesShutdownDrainTime_ToTheHostsShutdownTimeout()
    {
        await using var app = CinemaSyncApp.Build(Args("--Shutdown:DrainTime=00:00:07"));
        Assert.Equal(TimeSpan.FromSeconds(7), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Build_LeavesTheConfigurationAsGiven_WhenClusteringIsRedis()
    {
        // Orleans is given no configuration of its own, so Orleans:Clustering=redis needs no rewriting to stay out of its sight.
        await using var app = CinemaSyncApp.Build(Args("--Orleans:Clustering=redis", "--REDIS_CONNECTION=127.0.0.1:1,password=hunter2",
            "--Orleans:Messaging:ResponseTimeout=00:00:09"));
        Assert.Equal("redis", app.Configuration["Orleans:Clustering"]);
        Assert.Empty(app.Configuration.GetSection("CinemaSync").GetChildren());
        var cluster = app.Services.GetRequiredService<ClusterDescription>().Settings;
        Assert.Equal(ClusterSettings.Redis, cluster.NormalizedClustering);
        Assert.Equal("127.0.0.1:1,password=hunter2", cluster.RedisConnection);
        Assert.Equal(TimeSpan.FromSeconds(9), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("00:00:09", 9)]
    public async Task Build_GivesClientModeA5SecondResponseTimeout_UnlessOrleansMessagingSaysOtherwise(string? configured, int seconds)
    {
        string[] settings = ["--Orleans:Mode=client", $"--Orleans:Gateways={FreePorts.Next()},{FreePorts.Next()}"];
        if (configured is not null) settings = [.. settings, $"--Orleans:Messaging:ResponseTimeout={configured}"];
        await using var app = CinemaSyncApp.Build(Args(settings));
        Assert.Equal(TimeSpan.FromSeconds(seconds), app.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.Equal(2, app.Services.GetRequiredService<ClusterDescription>().Settings.GatewayPorts.Length);
    }

    [Fact]
    public void StorageSettings_TakeTheVariableNames_OverTheirKeys()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:MongoUri"] = "mongodb://key.internal:27017",
            ["MONGODB_URI"] = "mongodb://variable.internal:27017",
            ["Storage:MongoDatabase"] = "from-key",
            ["MONGODB_DB_NAME"] = "from-variable",
            ["Storage:DataDirectory"] = "/from-key",
            ["CINEMASYNC_DATA_DIR"] = "/from-variable",
        }).Build().ReadValidatedSettings<StorageSettings>(StorageSettings.Section);
        Assert.Equal(new MongoSettings("mongodb://variable.internal:27017", "from-variable"), settings.Mongo);
        Assert.Equal("/from-variable", settings.DataDirectory);
    }

    [Fact]
    public void ClusterSettings_UseTheGrainStoresMongoDb_ForMongoDbClustering()
    {
        var cluster = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Clustering"] = "MongoDB",
            ["MONGODB_URI"] = "mongodb://db.internal:27017",
            ["MONGODB_DB_NAME"] = "watch",
        }).Build().ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section);
        Assert.Equal(ClusterSettings.MongoDb, cluster.NormalizedClustering);
        Assert.Equal(new MongoSettings("mongodb://db.internal:27017", "watch"), cluster.Mongo);
    }

    [Fact]
    public async Task Build_ReadsForwardedHeaderProxies_InTheCommaAndTheListForm()
    {
        await using var app = CinemaSyncApp.Build(Args("--ForwardedHeaders:KnownProxies=10.0.0.1, 10.0.0.2",
            "--ForwardedHeaders:KnownNetworks:0=192.168.0.0/16", "--ForwardedHeaders:KnownNetworks:1=172.16.0.0/12"));
        var forwarded = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Assert.Equal(["10.0.0.1", "10.0.0.2"], forwarded.KnownProxies.Select(p => p.ToString()));
        Assert.Equal(["192.168.0.0/16", "172.16.0.0/12"], forwarded.KnownIPNetworks.Select(n => n.ToString()));
    }
}

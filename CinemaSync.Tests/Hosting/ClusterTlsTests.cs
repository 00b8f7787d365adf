using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using CinemaSync.Tests.Infrastructure;
using CinemaSync.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CinemaSync.Tests.Hosting;

/// <summary>Silo-to-silo and client-to-gateway TLS from <c>Orleans:Tls:*</c>, on real sockets.</summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private const string Password = TestCertificates.Password;
    private readonly string _directory = Directory.CreateTempSubdirectory("cinemasync-tls-").FullName;
    private readonly List<IHost> _hosts = [];
    private string _clusterCertificate = "";
    private string _otherCertificate = "";

    public Task InitializeAsync()
    {
        _clusterCertificate = TestCertificates.WriteSelfSigned(_directory, "cinemasync-cluster");
        _otherCertificate = TestCertificates.WriteSelfSigned(_directory, "someone-else");
        return Task.CompletedTask;
    }

    private static ClusterSettings Settings(string? certificate, int? primarySiloPort = null, int? gatewayPort = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = "tls-" + Guid.NewGuid().ToString("N")[..6],
            ["Orleans:PrimarySiloPort"] = primarySiloPort?.ToString(),
            ["Orleans:GatewayPort"] = gatewayPort?.ToString(),
        };
        if (certificate is not null)
        {
            values["Orleans:Tls:CertificatePath"] = certificate;
            values["Orleans:Tls:CertificatePassword"] = Password;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section);
    }

    private static IConfiguration MemoryStorage => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "memory" }).Build();

    private async Task<(int SiloPort, int GatewayPort)> StartSiloAsync(ClusterSettings settings, string clusterId)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        settings.ClusterId = clusterId;
        builder.UseOrleans(silo =>
        {
            silo.UseCinemaSyncClustering(settings, builder.Configuration, siloPort, gatewayPort);
            silo.AddCinemaSyncGrains(MemoryStorage);
        });
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return (siloPort, gatewayPort);
    }

    /// <summary>
    /// The client never gets through: its start fails or hangs (a plain client's preamble is not a
    /// TLS hello, so the silo drops it at its handshake timeout), and no grain call is answered
    /// within 10 s, where a trusted client connects and calls in about a second.
    /// </summary>
    private async Task AssertNoGrainAnswerAsync(string? certificate, string clusterId, int gatewayPort)
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            var client = await StartClientAsync(certificate, clusterId, gatewayPort, TimeSpan.FromSeconds(10));
            await client.GetGrain<IRoomGrain>("no-such-room").GetAsync().WaitAsync(TimeSpan.FromSeconds(5));
        });
        Assert.NotNull(failure);
    }

    private async Task<IClusterClient> StartClientAsync(string? certificate, string clusterId, int gatewayPort, TimeSpan? timeout = null)
    {
        var settings = Settings(certificate, gatewayPort: gatewayPort);
        settings.ClusterId = clusterId;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseCinemaSyncClustering(settings, builder.Configuration));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return host.Services.GetRequiredService<IClusterClient>();
    }

    [Fact]
    public async Task GrainCall_Works_WhenTwoSilosAndTheClientUseTheClusterCertificate()
    {
        var clusterId = "tls-" + Guid.NewGuid().ToString("N")[..6];
        var (primaryPort, gateway) = await StartSiloAsync(Settings(_clusterCertificate), clusterId);
        await StartSiloAsync(Settings(_clusterCertificate, primarySiloPort: primaryPort), clusterId);
        var client = await StartClientAsync(_clusterCertificate, clusterId, gateway);

        Assert.Null(await client.GetGrain<IRoomGrain>("no-such-room").GetAsync());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var active = 0;
        while (DateTime.UtcNow < deadline && (active = (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count) < 2)
            await Task.Delay(200);
        Assert.Equal(2, active); // the second silo joined over TLS
    }

    [Fact]
    public async Task Client_CannotConnect_WhenTheSiloUsesTlsAndTheClientDoesNot()
    {
        var clusterId = "tls-" + Guid.NewGuid().ToString("N")[..6];
        var (_, gateway) = await StartSiloAsync(Settings(_clusterCertificate), clusterId);
        await AssertNoGrainAnswerAsync(certificate: null, clusterId, gateway);
    }

    [Fact]
    public async Task Client_CannotConnect_WhenItsCertificateIsNotTheClusters()
    {
        var clusterId = "tls-" + Guid.NewGuid().ToString("N")[..6];
        var (_, gateway) = await StartSiloAsync(Settings(_clusterCertificate), clusterId);
        await AssertNoGrainAnswerAsync(_otherCertificate, clusterId, gateway);
    }

    [Fact]
    public void Settings_NameTheSetting_WhenTheCertificateFileIsMissingOrItsPasswordIsWrong()
    {
        var missing = Assert.Throws<OptionsValidationException>(() => Settings(Path.Combine(_directory, "missing.pfx")));
        Assert.StartsWith("Orleans:Tls:CertificatePath=", Assert.Single(missing.Failures));
        var values = new Dictionary<string, string?>
        {
            ["Orleans:Tls:CertificatePath"] = _clusterCertificate,
            ["Orleans:Tls:CertificatePassword"] = "wrong",
        };
        var wrong = Assert.Throws<OptionsValidationException>(() =>
            new ConfigurationBuilder().AddInMemoryCollection(values).Build().ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section));
        Assert.Contains("Orleans:Tls:CertificatePassword", Assert.Single(wrong.Failures));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // A client that never connected may fail to stop; the test already has its answer.
            }
            host.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}

using CinemaSync.Contracts;
using CinemaSync.Grains.Hosting;
using CinemaSync.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CinemaSync.Tests.Hosting;

/// <summary>The key ring protected by a certificate; connection strings without their secrets.</summary>
public sealed class ClusterTrustTests
{
    private static async Task<string> StoredKeyRingAsync(TestServer server)
    {
        // Data Protection creates its first key on first use.
        var protector = server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("google-refresh-token", protector.Unprotect(protector.Protect("google-refresh-token")));
        var keys = await server.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IDataProtectionKeysGrain>(IDataProtectionKeysGrain.DefaultKey).GetAllAsync();
        Assert.NotEmpty(keys);
        return string.Join("\n", keys);
    }

    [Fact]
    public async Task KeyRing_IsStoredEncrypted_WhenACertificateIsConfigured()
    {
        var directory = Directory.CreateTempSubdirectory("cinemasync-dp-").FullName;
        var certificate = TestCertificates.WriteSelfSigned(directory, "key-ring");
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = certificate,
            ["DataProtection:CertificatePassword"] = TestCertificates.Password,
        });
        var stored = await StoredKeyRingAsync(server);
        Assert.Contains("EncryptedData", stored);
        Assert.DoesNotContain("<masterKey", stored);
    }

    [Fact]
    public async Task KeyRing_IsStoredInTheClear_WhenNoCertificateIsConfigured()
    {
        await using var server = await TestServer.StartAsync();
        var stored = await StoredKeyRingAsync(server);
        Assert.Contains("<masterKey", stored);
        Assert.DoesNotContain("EncryptedData", stored);
    }

    [Fact]
    public async Task Start_NamesTheSetting_WhenTheKeyRingCertificateIsMissing()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = "/nonexistent/key-ring.pfx",
        }));
        Assert.StartsWith("DataProtection:CertificatePath=/nonexistent/key-ring.pfx: no such file", StartupGuard.Describe(failure));
    }

    [Fact]
    public void Descriptions_HideRedisAndMongoPasswords()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Clustering"] = "redis",
            ["REDIS_CONNECTION"] = "redis.internal:6379,password=hunter2,ssl=true,user=app",
            ["MONGODB_URI"] = "mongodb://cinema:s3cret@db1.internal:27017,db2.internal:27017/?replicaSet=rs0",
        }).Build();
        // What the start-up log and /api/health print.
        var cluster = new CinemaSync.Web.Hosting.ClusterDescription("client", null, null,
            configuration.ReadValidatedSettings<ClusterSettings>(ClusterSettings.Section)).ToString();
        var storage = StorageDescription.From(configuration.ReadValidatedSettings<StorageSettings>(StorageSettings.Section)).ToString();
        Assert.Contains("redis.internal:6379", cluster);
        Assert.DoesNotContain("hunter2", cluster);
        Assert.DoesNotContain("user=app", cluster);
        Assert.Contains("db1.internal:27017", storage);
        Assert.Contains("db2.internal:27017", storage);
        Assert.DoesNotContain("s3cret", storage);
        Assert.DoesNotContain("cinema:", storage);
    }
}

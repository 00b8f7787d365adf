using System.Security.Cryptography.X509Certificates;
using CinemaSync.Grains.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CinemaSync.Web.Hosting;

/// <summary>
/// <c>DataProtection:CertificatePath</c> (a PKCS#12 / .pfx file with its private key) and
/// <c>DataProtection:CertificatePassword</c>: the certificate the key ring is encrypted with.
/// </summary>
public sealed class DataProtectionSettings : IValidatedSettings
{
    public const string Section = "DataProtection";

    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }

    private readonly Lazy<X509Certificate2?> _certificate;

    public DataProtectionSettings() => _certificate = new(() => CertificatePath is { Length: > 0 } path
        ? CertificateFiles.Load(path, CertificatePassword, $"{Section}:CertificatePath", $"{Section}:CertificatePassword")
        : null);

    /// <summary>Null when no certificate is configured; loaded once (validation loads it).</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    public IEnumerable<string> Problems()
    {
        if (CertificateFiles.Problem(() => _ = Certificate) is { } problem) yield return problem;
    }
}

public static class DataProtectionSetup
{
    public const string ApplicationName = "CinemaSync";

    /// <summary>
    /// Data Protection (used for the Google tokens at rest) with its key ring in the grain store.
    /// With <c>DataProtection:CertificatePath</c> (a PKCS#12 / .pfx file with its private key, password
    /// in <c>DataProtection:CertificatePassword</c>) the keys are stored encrypted with that
    /// certificate, so the store alone no longer holds everything needed to read the tokens.
    /// Every web node of a deployment needs the same certificate.
    /// </summary>
    public static WebApplicationBuilder AddCinemaSyncDataProtection(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        // Decided while the host is built: the encryptor is chosen at registration.
        var settings = builder.Configuration.ReadValidatedSettings<DataProtectionSettings>(DataProtectionSettings.Section);
        if (settings.Certificate is { } certificate) dataProtection.ProtectKeysWithCertificate(certificate);
        builder.Services.AddSingleton<GrainXmlRepository>();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<GrainXmlRepository>((o, repository) => o.XmlRepository = repository);
        return builder;
    }

    /// <summary>
    /// Data Protection's hosted service loads the key ring at start-up, i.e. calls the keys grain.
    /// Hosted services start in registration order and authentication registered it before Orleans,
    /// so move it last: the silo (or cluster client) is up by the time it runs.
    /// </summary>
    public static void StartDataProtectionAfterOrleans(this IServiceCollection services)
    {
        var keyRingLoaders = services
            .Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService")
            .ToList();
        foreach (var descriptor in keyRingLoaders)
        {
            services.Remove(descriptor);
            services.Add(descriptor);
        }
    }
}

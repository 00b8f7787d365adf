using CinemaSync.Grains.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CinemaSync.Web.Hosting;

public static class DataProtectionSetup
{
    public const string ApplicationName = "CinemaSync";

    public const string CertificatePathSetting = "DataProtection:CertificatePath";
    public const string CertificatePasswordSetting = "DataProtection:CertificatePassword";

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
        if (builder.Configuration[CertificatePathSetting] is { Length: > 0 } path)
            dataProtection.ProtectKeysWithCertificate(CertificateFiles.Load(
                path, builder.Configuration[CertificatePasswordSetting], CertificatePathSetting, CertificatePasswordSetting));
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

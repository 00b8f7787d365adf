using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace CinemaSync.Grains.Hosting;

/// <summary>
/// TLS for silo-to-silo and client-to-gateway connections, from <c>Orleans:Tls</c>:
/// <c>CertificatePath</c> (a PKCS#12 / .pfx file with the private key), <c>CertificatePassword</c>,
/// and <c>TrustedThumbprints</c> (comma-separated SHA-1 thumbprints of further peer certificates,
/// for rotation). Both ends present their certificate (mutual TLS) and accept a peer only when
/// its certificate is this node's own or a trusted thumbprint, and is within its validity period;
/// the public CA chain does not matter, so a self-signed cluster certificate works and a
/// certificate from any public CA does not get in.
/// </summary>
public sealed class ClusterTls
{
    public const string Section = "Orleans:Tls";

    public required X509Certificate2 Certificate { get; init; }
    public required IReadOnlySet<string> TrustedThumbprints { get; init; }

    /// <summary>Null when <c>Orleans:Tls:CertificatePath</c> is unset (plain TCP); a certificate that cannot be loaded is a <see cref="SettingException"/>.</summary>
    public static ClusterTls? From(ClusterTlsSettings tls)
    {
        if (tls.CertificatePath is not { Length: > 0 } path) return null;
        var certificate = CertificateFiles.Load(path, tls.CertificatePassword, $"{Section}:CertificatePath", $"{Section}:CertificatePassword");
        var trusted = tls.TrustedThumbprints
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Replace(":", "").ToUpperInvariant())
            .Append(certificate.Thumbprint.ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
        return new ClusterTls { Certificate = certificate, TrustedThumbprints = trusted };
    }

    /// <summary>The Orleans TLS options of both ends.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => IsTrusted(certificate);
        // Peers are addressed by IP; the name in the certificate is not what is checked.
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = Certificate.GetNameInfo(X509NameType.SimpleName, false);
    }

    public bool IsTrusted(X509Certificate2? certificate)
    {
        if (certificate is null) return false;
        var now = DateTime.Now;
        return TrustedThumbprints.Contains(certificate.Thumbprint.ToUpperInvariant())
            && certificate.NotBefore <= now && now <= certificate.NotAfter;
    }

    public override string ToString() => $"certificate {Certificate.Subject}, {TrustedThumbprints.Count} trusted thumbprint(s)";
}

/// <summary>The <c>Orleans:Tls</c> keys, as <see cref="ClusterSettings.Tls"/> binds them.</summary>
public sealed class ClusterTlsSettings
{
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }

    /// <summary>Comma-separated SHA-1 thumbprints of further peer certificates.</summary>
    public string TrustedThumbprints { get; set; } = "";
}

/// <summary>Certificate files named by settings, loaded once at start-up.</summary>
public static class CertificateFiles
{
    /// <summary>A PKCS#12 file with its private key; a missing or unreadable file is a <see cref="SettingException"/>.</summary>
    public static X509Certificate2 Load(string path, string? password, string pathSetting, string passwordSetting)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new SettingException($"{pathSetting}={full}: no such file. Point it at a PKCS#12 (.pfx) certificate file with its private key, or unset it.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(full, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new SettingException($"{pathSetting}={full} cannot be read: wrong {passwordSetting}, or not a PKCS#12 (.pfx) file.");
        }
        if (!certificate.HasPrivateKey)
            throw new SettingException($"{pathSetting}={full} has no private key: export the certificate with its key (PKCS#12 / .pfx).");
        return certificate;
    }

    /// <summary>The message of the <see cref="SettingException"/> <paramref name="load"/> throws; null when it loads.</summary>
    public static string? Problem(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (SettingException ex)
        {
            return ex.Message;
        }
    }
}

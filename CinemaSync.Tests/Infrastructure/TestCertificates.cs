using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CinemaSync.Tests.Infrastructure;

/// <summary>Self-signed certificates with their keys in .pfx files, as an operator would make them with openssl.</summary>
public static class TestCertificates
{
    public const string Password = "pfx-password";

    /// <summary>Writes <c>{name}.pfx</c> (password <see cref="Password"/>) into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteSelfSigned(string directory, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(directory, name + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}

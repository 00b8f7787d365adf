using System.Security.Cryptography;
using System.Text;

namespace CinemaSync.Grains.Security;

/// <summary>Room passwords: salted PBKDF2-SHA256, compared in constant time, after trimming.</summary>
internal static class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int Iterations = 100_000;
    private const string Scheme = "pbkdf2-sha256";

    /// <summary>The old backend's normalisation: surrounding whitespace does not count.</summary>
    public static string Normalize(string password) => password.Trim();

    /// <summary>Returns <c>pbkdf2-sha256$iterations$salt$hash</c> (base64 parts).</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(Normalize(password), salt, Iterations);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>
    /// At most half the cores derive keys at once: a flood of guesses (tens of milliseconds of CPU
    /// each) waits its turn instead of taking every core and thread-pool thread from the rooms.
    /// </summary>
    private static readonly SemaphoreSlim DerivationSlots = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary><see cref="Verify"/> on the thread pool, within the process's derivation slots.</summary>
    public static async Task<bool> VerifyAsync(string password, string stored)
    {
        await DerivationSlots.WaitAsync().ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Verify(password, stored)).ConfigureAwait(false);
        }
        finally
        {
            DerivationSlots.Release();
        }
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations) || iterations < 1)
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Derive(Normalize(password), salt, iterations, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length = HashBytes) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}

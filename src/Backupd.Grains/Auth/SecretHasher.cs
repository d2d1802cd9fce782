using System.Security.Cryptography;
using System.Text;

namespace Backupd.Grains.Auth;

/// <summary>Salted hashes for the master's secrets: slow for passwords, fast for random tokens.</summary>
public static class SecretHasher
{
    // Passwords are guessable, so they get a slow KDF (OWASP's PBKDF2-SHA512 figure);
    // API tokens carry 256 random bits, where a salted SHA-256 is as strong and costs a request nothing.
    private const int PasswordIterations = 210_000;
    private const string PasswordScheme = "pbkdf2-sha512";
    private const string TokenScheme = "sha256";

    /// <summary>Hashes a password as <c>pbkdf2-sha512$iterations$salt$hash</c>.</summary>
    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, PasswordIterations, HashAlgorithmName.SHA512, 32);
        return string.Join('$', PasswordScheme, PasswordIterations, Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Hashes a high-entropy token secret as <c>sha256$salt$hash</c>.</summary>
    public static string HashToken(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return string.Join('$', TokenScheme, Convert.ToBase64String(salt), Convert.ToBase64String(TokenDigest(salt, secret)));
    }

    /// <summary>Checks a secret against a hash made by this class, in constant time.</summary>
    public static bool Verify(string secret, string stored)
    {
        var parts = stored.Split('$');
        try
        {
            switch (parts)
            {
                case [PasswordScheme, var iterations, var salt, var hash]:
                    var expected = Convert.FromBase64String(hash);
                    var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), Convert.FromBase64String(salt), int.Parse(iterations, System.Globalization.CultureInfo.InvariantCulture), HashAlgorithmName.SHA512, expected.Length);
                    return CryptographicOperations.FixedTimeEquals(actual, expected);
                case [TokenScheme, var salt, var hash]:
                    return CryptographicOperations.FixedTimeEquals(TokenDigest(Convert.FromBase64String(salt), secret), Convert.FromBase64String(hash));
                default:
                    return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] TokenDigest(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}

using System.Security.Cryptography;

namespace Backupd.Node.Registration;

/// <summary>The 5-character codes an admin types in to approve a node.</summary>
public static class RegistrationCode
{
    /// <summary>Digits and capitals without the look-alikes 0/O and 1/I/L.</summary>
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    /// <summary>A fresh random code, e.g. <c>XC9D2</c>.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 5);

    /// <summary>A fresh registration secret: 256 random bits, never displayed.</summary>
    public static string NewSecret() => Backupd.Contracts.RandomSecret.New();
}

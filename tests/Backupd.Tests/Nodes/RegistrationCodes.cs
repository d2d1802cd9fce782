using System.Security.Cryptography;

namespace Backupd.Tests.Nodes;

/// <summary>Codes and secrets for tests that play a node over REST.</summary>
internal static class RegistrationCodes
{
    public static string NewCode() => RandomNumberGenerator.GetString("23456789ABCDEFGHJKMNPQRSTUVWXYZ", 5);

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}

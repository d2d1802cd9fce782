using System.Buffers.Text;
using System.Security.Cryptography;

namespace Backupd.Contracts;

/// <summary>Random secrets as text: 256 bits, URL-safe base64 without padding.</summary>
public static class RandomSecret
{
    /// <summary>A fresh secret.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

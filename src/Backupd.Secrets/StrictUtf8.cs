using System.Text;

namespace Backupd.Secrets;

/// <summary>UTF-8 that throws on invalid bytes, so a secret is never silently altered by replacement characters.</summary>
internal static class StrictUtf8
{
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

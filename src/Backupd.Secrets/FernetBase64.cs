using System.Buffers.Text;

namespace Backupd.Secrets;

/// <summary>URL-safe base64 as Python's <c>base64.urlsafe_b64encode</c> writes it: with <c>=</c> padding.</summary>
internal static class FernetBase64
{
    /// <summary>Encodes with padding, because Python's Fernet refuses tokens and keys without it.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var unpadded = Base64Url.EncodeToString(bytes);
        var padding = (4 - unpadded.Length % 4) % 4;
        return padding == 0 ? unpadded : unpadded + new string('=', padding);
    }

    /// <summary>Decodes with or without padding; <see langword="null"/> when it is not URL-safe base64.</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        // TryDecodeFromChars throws on a character outside the alphabet; only its size check is a "try".
        if (!Base64Url.IsValid(text, out var length))
        {
            return null;
        }

        var bytes = new byte[length];
        return Base64Url.TryDecodeFromChars(text, bytes, out var written) && written == length ? bytes : null;
    }
}

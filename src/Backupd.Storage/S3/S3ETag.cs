using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Backupd.Storage;

/// <summary>
/// What an S3 ETag says about the bytes behind it. For a plain upload it is their MD5; for a
/// multipart upload, AWS and most compatible stores give the MD5 of the parts' MD5s followed by
/// "-" and the part count, while some (s3rver among them) give the whole object's MD5. With
/// SSE-KMS or SSE-C encryption it is opaque.
/// </summary>
internal static partial class S3ETag
{
    /// <summary>The ETag without its quotes, lower-case.</summary>
    public static string Normalize(string? etag) => (etag ?? string.Empty).Trim().Trim('"').ToLowerInvariant();

    /// <summary>True when the ETag has the shape of an MD5-derived one (32 hex digits, optionally "-N").</summary>
    public static bool IsMd5Shaped(string? etag) => Md5Shape().IsMatch(Normalize(etag));

    /// <summary>The ETag AWS gives a multipart object made of parts with these MD5s.</summary>
    public static string Multipart(IReadOnlyList<byte[]> partMd5s)
    {
        var concatenated = new byte[partMd5s.Count * 16];
        for (var i = 0; i < partMd5s.Count; i++)
        {
            partMd5s[i].CopyTo(concatenated, i * 16);
        }

        return $"{Convert.ToHexStringLower(MD5.HashData(concatenated))}-{partMd5s.Count}";
    }

    /// <summary>True when <paramref name="etag"/> is the one an object with this digest may have.</summary>
    public static bool Matches(string? etag, BundleDigest digest, bool multipart)
    {
        var actual = Normalize(etag);
        var whole = Convert.ToHexStringLower(digest.Md5);
        return actual == whole || (multipart && actual == Multipart(digest.PartMd5s));
    }

    /// <summary>
    /// Throws <see cref="PartChecksumMismatchException"/> (which is retried) when the store's ETag
    /// for a body just sent is an MD5 other than the body's. An opaque ETag (SSE-KMS, SSE-C) passes:
    /// Content-MD5, which the store checked on receipt, has to do then.
    /// </summary>
    public static void RequireSentMd5(string? etag, byte[] sentMd5, int partNumber)
    {
        var expected = Convert.ToHexStringLower(sentMd5);
        if (Md5Shape().IsMatch(Normalize(etag)) && Normalize(etag) != expected)
        {
            throw new PartChecksumMismatchException(partNumber, expected, etag ?? string.Empty);
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}(-[0-9]+)?$")]
    private static partial Regex Md5Shape();
}

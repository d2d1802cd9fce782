using System.Security.Cryptography;
using System.Threading.Channels;

namespace Backupd.Storage;

/// <summary>One part of a bundle: where it lies in the file and the MD5 the store must see.</summary>
internal sealed record BundlePart(int Number, int Count, long Offset, long Length, byte[] Md5)
{
    public string Md5Base64 => Convert.ToBase64String(Md5);
}

/// <summary>What one sequential read of a bundle found: its SHA-256, its MD5 and each part's MD5.</summary>
internal sealed record BundleDigest(long Size, string Sha256Hex, byte[] Md5, IReadOnlyList<byte[]> PartMd5s)
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Reads the bundle once, in order, and hands each part to <paramref name="parts"/> as soon
    /// as its MD5 is known, so uploads start while later parts are still being hashed. The
    /// writer is completed either way; a failure is thrown from here.
    /// </summary>
    public static async Task<BundleDigest> ReadAsync(string path, long partSize, ChannelWriter<BundlePart>? parts, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var size = input.Length;
            var count = PartCount(size, partSize);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var partMd5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var partMd5s = new List<byte[]>(count);
            var buffer = new byte[BufferSize];
            for (var number = 1; number <= count; number++)
            {
                var offset = (number - 1) * partSize;
                var length = Math.Min(partSize, size - offset);
                for (var remaining = length; remaining > 0;)
                {
                    var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new IOException($"The bundle {path} ended at byte {size - remaining}, before its {size} bytes; it changed while being uploaded.");
                    }

                    sha256.AppendData(buffer, 0, read);
                    md5.AppendData(buffer, 0, read);
                    partMd5.AppendData(buffer, 0, read);
                    remaining -= read;
                }

                var digest = partMd5.GetHashAndReset();
                partMd5s.Add(digest);
                if (parts is not null)
                {
                    await parts.WriteAsync(new BundlePart(number, count, offset, length, digest), cancellationToken).ConfigureAwait(false);
                }
            }

            return new BundleDigest(size, Convert.ToHexStringLower(sha256.GetHashAndReset()), md5.GetHashAndReset(), partMd5s);
        }
        finally
        {
            parts?.TryComplete();
        }
    }

    /// <summary>Parts of <paramref name="partSize"/> bytes; an empty file is one empty part.</summary>
    public static int PartCount(long size, long partSize) => (int)Math.Max(1, (size + partSize - 1) / partSize);
}

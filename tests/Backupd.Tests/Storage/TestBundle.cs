using System.Security.Cryptography;
using Backupd.Modules.Storage;

namespace Backupd.Tests.Storage;

/// <summary>A file of random bytes standing in for a bundle, removed on dispose.</summary>
internal sealed class TestBundle : IDisposable
{
    private TestBundle(string path, long size, string sha256Hex)
    {
        Path = path;
        Size = size;
        Sha256Hex = sha256Hex;
    }

    public string Path { get; }

    public long Size { get; }

    public string Sha256Hex { get; }

    public static TestBundle Create(long size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"backupd-s3-{Guid.NewGuid():N}.tar.zst");
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(path))
        {
            var chunk = new byte[1024 * 1024];
            for (var left = size; left > 0; left -= chunk.Length)
            {
                var piece = chunk.AsSpan(0, (int)Math.Min(chunk.Length, left));
                RandomNumberGenerator.Fill(piece);
                sha256.AppendData(piece);
                file.Write(piece);
            }
        }

        return new TestBundle(path, size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }

    public BundleUpload Upload(string key) => new(Path, key, Size, Sha256Hex);

    public void Dispose() => File.Delete(Path);
}

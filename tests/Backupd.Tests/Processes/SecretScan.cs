using System.Text;

namespace Backupd.Tests.Processes;

/// <summary>Looks for a secret in plain text where it must never be.</summary>
public static class SecretScan
{
    /// <summary>Every file under <paramref name="directory"/> (a SQLite file, its WAL, key files…) is free of <paramref name="secret"/>.</summary>
    public static void AssertNotInFiles(string directory, string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(copy.ToArray().AsSpan().IndexOf(needle) < 0, $"{file} holds the secret in plain text.");
        }
    }
}

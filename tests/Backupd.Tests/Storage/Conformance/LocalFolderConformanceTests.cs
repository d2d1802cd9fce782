using Backupd.Contracts.Storage;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Storage.Conformance;

/// <summary>The storage promises, kept by a local folder on a real disk.</summary>
public sealed class LocalFolderConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempDirectory _temp = new();

    public LocalFolderConformanceTests()
    {
        Directory.CreateDirectory(Root);
    }

    private string Root => _temp.Combine("backups");

    public void Dispose() => _temp.Dispose();

    protected override StorageTargetSettings Settings(string prefix) => new("local-provider", StorageTypes.Local, Root, prefix);

    protected override async Task<byte[]?> ReadStoredAsync(string fullKey)
    {
        var path = Path.Combine(Root, fullKey);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
    }

    // Temporary .partial- files count: a target must not leave them.
    protected override Task<IReadOnlyList<string>> StoredKeysAsync(string prefix)
    {
        var directory = Path.Combine(Root, prefix);
        IReadOnlyList<string> keys = Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(path => Path.GetRelativePath(Root, path)).Order(StringComparer.Ordinal)]
            : [];
        return Task.FromResult(keys);
    }
}

using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

/// <summary>Writes bundles to files the way a module would.</summary>
internal static class BundleFiles
{
    public static async Task<(BundleResult Result, BundleTreeSummary Tree)> WriteTreeAsync(
        string bundlePath,
        string root,
        string entryPrefix,
        IReadOnlyList<string>? exclude = null,
        BundleWriterOptions? options = null,
        Func<BundleWriter, Task>? addMore = null)
    {
        await using var output = new FileStream(bundlePath, FileMode.CreateNew, FileAccess.Write);
        await using var writer = new BundleWriter(output, options ?? new BundleWriterOptions());
        var tree = await writer.AddTreeAsync(root, entryPrefix, exclude ?? [], null, CancellationToken.None);
        if (addMore is not null)
        {
            await addMore(writer);
        }

        return (await writer.CompleteAsync(CancellationToken.None), tree);
    }

    public static async Task<List<BundleEntry>> ListAsync(string bundlePath)
    {
        await using var input = File.OpenRead(bundlePath);
        var entries = new List<BundleEntry>();
        await foreach (var entry in BundleReader.ReadEntriesAsync(input, CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}

using Backupd.TestBed;
using Backupd.Tests.Modules.WordPress;

namespace Backupd.Tests.Jobs;

/// <summary>A test site's own tables (its prefix) with their checksums, sorted so xunit can diff them.</summary>
internal static class SiteTableChecksums
{
    public static async Task<SortedDictionary<string, long?>> OfAsync(WordPressFixture wordPress, WordPressSite site)
    {
        var all = await DumpRestore.ChecksumsAsync(wordPress.Database, site.DatabaseName, CancellationToken.None);
        return new SortedDictionary<string, long?>(all.Where(t => t.Key.StartsWith(site.TablePrefix, StringComparison.Ordinal)).ToDictionary(), StringComparer.Ordinal);
    }
}

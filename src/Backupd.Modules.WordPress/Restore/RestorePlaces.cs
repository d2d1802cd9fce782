using System.Security.Cryptography;
using System.Text;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Where one restore job puts things. Every name is made from the job's id, so an attempt that
/// follows a crash finds, and removes or puts back, what the one before it left.
/// </summary>
internal sealed class RestorePlaces
{
    public RestorePlaces(string siteRoot, string jobId, string livePrefix)
    {
        var tag = Tag(jobId);
        SiteRoot = siteRoot;
        Content = Path.Combine(siteRoot, "wp-content");
        // Beside wp-content, so the swap is a rename on one file system; a dot directory, 0700, so
        // the web server serves nothing of it while it holds the dump.
        Staging = Path.Combine(siteRoot, $".backupd-restore-{tag}");
        StagedContent = Path.Combine(Staging, "wp-content");
        Aside = Path.Combine(siteRoot, $"wp-content.pre-restore-{tag}");
        Maintenance = Path.Combine(siteRoot, ".maintenance");
        // Ends in .php, so a web server runs it rather than showing the credentials in it.
        ReplacedConfig = Path.Combine(siteRoot, $".wp-config.pre-restore-{tag}.php");
        // Neither may start with the live prefix, nor the live prefix with them: each set of tables is found by its prefix.
        var letter = new[] { "b", "z", "q" }.First(l => !(l + "rs").StartsWith(livePrefix, StringComparison.Ordinal) && !livePrefix.StartsWith(l + "r", StringComparison.Ordinal));
        StagingPrefix = $"{letter}rs{tag}_";
        ReplacedPrefix = $"{letter}ro{tag}_";
    }

    /// <summary>
    /// The places of job <paramref name="undoJobId"/>, which undoes restore <paramref name="restoreJobId"/>:
    /// what that restore replaced and kept takes the place of a staged bundle; what it put in
    /// place is kept, in turn, under the undo's own names.
    /// </summary>
    public static RestorePlaces ForUndo(string siteRoot, string undoJobId, string restoreJobId, string livePrefix)
    {
        var kept = new RestorePlaces(siteRoot, restoreJobId, livePrefix);
        return new RestorePlaces(siteRoot, undoJobId, livePrefix) { StagedContent = kept.Aside, StagingPrefix = kept.ReplacedPrefix };
    }

    /// <summary>What every name of one job's restore carries: the same for each of its attempts.</summary>
    public static string Tag(string jobId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..8];

    /// <summary>The WordPress root.</summary>
    public string SiteRoot { get; }

    /// <summary>The live wp-content.</summary>
    public string Content { get; }

    /// <summary>Where the bundle is extracted.</summary>
    public string Staging { get; }

    /// <summary>The extracted wp-content.</summary>
    public string StagedContent { get; private init; }

    /// <summary>Where the replaced wp-content (or the replaced paths in it) goes.</summary>
    public string Aside { get; }

    /// <summary>Where a new site's replaced wp-config.php is kept.</summary>
    public string ReplacedConfig { get; }

    /// <summary>WordPress's maintenance-mode file.</summary>
    public string Maintenance { get; }

    /// <summary>The prefix the dump's tables are imported under.</summary>
    public string StagingPrefix { get; private init; }

    /// <summary>The prefix the replaced tables get.</summary>
    public string ReplacedPrefix { get; }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Backupd.Bundles;

namespace Backupd.Modules.WordPress.Restore;

/// <summary>
/// Where one restore job puts things. Every name is made from the job's id, so an attempt that
/// follows a crash finds, and removes or puts back, what the one before it left.
/// </summary>
internal sealed class RestorePlaces : IDisposable
{
    private readonly HeldDirectory _site;
    private HeldDirectory? _staging;
    private readonly string? _stagedContent;

    /// <summary>The places of job <paramref name="jobId"/> in <paramref name="site"/> (the WordPress root, held: every path here goes through it), whose tables have <paramref name="livePrefix"/>.</summary>
    public RestorePlaces(HeldDirectory site, string jobId, string livePrefix)
        : this(site, jobId, livePrefix, stagedContent: null, stagingPrefix: null)
    {
    }

    private RestorePlaces(HeldDirectory site, string jobId, string livePrefix, string? stagedContent, string? stagingPrefix)
    {
        var tag = Tag(jobId);
        _site = site;
        _stagedContent = stagedContent;
        Content = Path.Join(site.Path, "wp-content");
        // Beside wp-content, so the swap is a rename on one file system; a dot directory, 0700, so
        // the web server serves nothing of it while it holds the dump.
        StagingName = $".backupd-restore-{tag}";
        Aside = Path.Join(site.Path, $"wp-content.pre-restore-{tag}");
        Maintenance = Path.Join(site.Path, ".maintenance");
        // Ends in .php, so a web server runs it rather than showing the credentials in it.
        ReplacedConfig = Path.Join(site.Path, $".wp-config.pre-restore-{tag}.php");
        // Neither may start with the live prefix, nor the live prefix with them: each set of tables is found by its prefix.
        var letter = new[] { "b", "z", "q" }.First(l => !(l + "rs").StartsWith(livePrefix, StringComparison.Ordinal) && !livePrefix.StartsWith(l + "r", StringComparison.Ordinal));
        StagingPrefix = stagingPrefix ?? $"{letter}rs{tag}_";
        ReplacedPrefix = $"{letter}ro{tag}_";
    }

    /// <summary>
    /// The places of job <paramref name="undoJobId"/>, which undoes restore <paramref name="restoreJobId"/>:
    /// what that restore replaced and kept takes the place of a staged bundle; what it put in
    /// place is kept, in turn, under the undo's own names.
    /// </summary>
    public static RestorePlaces ForUndo(HeldDirectory site, string undoJobId, string restoreJobId, string livePrefix)
    {
        var kept = new RestorePlaces(site, restoreJobId, livePrefix);
        return new RestorePlaces(site, undoJobId, livePrefix, kept.Aside, kept.ReplacedPrefix);
    }

    /// <summary>What every name of one job's restore carries: the same for each of its attempts.</summary>
    public static string Tag(string jobId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..8];

    /// <summary>The WordPress root, held.</summary>
    public HeldDirectory Site => _site;

    /// <summary>The live wp-content.</summary>
    public string Content { get; }

    /// <summary>The name, in the site's root, of the directory the bundle is extracted into.</summary>
    public string StagingName { get; }

    /// <summary>Where the bundle is extracted: the held directory once made or found, else its name in the site.</summary>
    public string Staging => _staging?.Path ?? Path.Join(_site.Path, StagingName);

    /// <summary>The extracted wp-content (for an undo: what the restore kept).</summary>
    public string StagedContent => _stagedContent ?? Path.Join(Staging, "wp-content");

    /// <summary>Where the replaced wp-content (or the replaced paths in it) goes.</summary>
    public string Aside { get; }

    /// <summary>Where a new site's replaced wp-config.php is kept.</summary>
    public string ReplacedConfig { get; }

    /// <summary>WordPress's maintenance-mode file.</summary>
    public string Maintenance { get; }

    /// <summary>The prefix the dump's tables are imported under.</summary>
    public string StagingPrefix { get; }

    /// <summary>The prefix the replaced tables get.</summary>
    public string ReplacedPrefix { get; }

    /// <summary>Makes the staging directory (private to the node's user) and holds it; the name must be free.</summary>
    public void MakeStaging()
    {
        _staging?.Dispose();
        _staging = null;
        _staging = _site.CreatePrivate(StagingName);
    }

    /// <summary>Holds the staging directory an earlier stage or attempt made; false when there is none.</summary>
    /// <exception cref="IOException">Something else has its name.</exception>
    public bool HoldStaging()
    {
        _staging ??= _site.OpenPrivate(StagingName);
        return _staging is not null;
    }

    /// <summary>Lets go of the staging directory (before it is removed).</summary>
    public void ReleaseStaging()
    {
        _staging?.Dispose();
        _staging = null;
    }

    /// <summary><paramref name="text"/> (a path, or a message naming paths) as the admin knows it: the held directories' own paths instead of their descriptors.</summary>
    public string Show(string text)
    {
        foreach (var held in new[] { _staging, _site }.OfType<HeldDirectory>())
        {
            text = Regex.Replace(text, Regex.Escape(held.Path) + "(?![0-9])", held.Shown.Replace("$", "$$", StringComparison.Ordinal));
        }

        return text;
    }

    /// <summary>
    /// The parent of <paramref name="path"/> (a path in the site or the staging directory), opened one
    /// name at a time without following a link, and the last name: a rename or create through them
    /// cannot be led outside the site by a link the site's owner swaps in.
    /// </summary>
    /// <exception cref="IOException">A directory on the way is a link, or not a directory.</exception>
    public (HeldDirectory Parent, string Name) Beneath(string path, bool makeParents, FileOwner? owner = null)
    {
        foreach (var held in new[] { _staging, _site }.OfType<HeldDirectory>())
        {
            if (path.StartsWith(held.Path + "/", StringComparison.Ordinal))
            {
                var relative = path[(held.Path.Length + 1)..];
                return (held.OpenBeneath(Path.GetDirectoryName(relative) ?? string.Empty, makeParents, owner), Path.GetFileName(relative));
            }
        }

        throw new InvalidOperationException($"{path} is in neither the site nor its staging directory.");
    }

    /// <inheritdoc />
    public void Dispose() => ReleaseStaging();
}

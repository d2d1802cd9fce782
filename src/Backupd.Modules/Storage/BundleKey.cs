using System.Globalization;
using System.Text;

namespace Backupd.Modules.Storage;

/// <summary>
/// Names bundles <c>&lt;node&gt;/&lt;module&gt;/&lt;site&gt;/&lt;UTC yyyyMMddTHHmmssZ&gt;-&lt;jobId&gt;.tar.zst</c>
/// (the provider adds its prefix), so a listing sorts by site and then by time.
/// </summary>
public static class BundleKey
{
    /// <summary>The bundle file extension.</summary>
    public const string Extension = ".tar.zst";

    // UTC, to the second: yyyyMMddTHHmmssZ.
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const int TimeLength = 16;

    /// <summary>The key of a bundle, without the provider's prefix.</summary>
    public static string Compose(string nodeId, string module, string site, DateTimeOffset runStartedAt, string jobId) =>
        string.Join('/', Slug(nodeId), Slug(module), Slug(site),
            runStartedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + "-" + Slug(jobId) + Extension);

    /// <summary>
    /// Whether <paramref name="fullKey"/> is a key <see cref="Compose"/> makes, under
    /// <paramref name="prefix"/>, for job <paramref name="jobId"/> of <paramref name="module"/> on
    /// <paramref name="nodeId"/>: the only keys a node may report for its job, and so the only ones
    /// the master ever deletes for it. The site and time are the node's to choose; nothing else is.
    /// </summary>
    public static bool Belongs(string fullKey, string prefix, string nodeId, string module, string jobId)
    {
        var start = WithPrefix(prefix, $"{Slug(nodeId)}/{Slug(module)}/");
        if (!fullKey.StartsWith(start, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = fullKey[start.Length..].Split('/');
        return rest is [var site, var file]
            && site.Length > 0 && site == Slug(site) && site is not ("." or "..")
            && file.Length == TimeLength + 1 + Slug(jobId).Length + Extension.Length
            && file.EndsWith("-" + Slug(jobId) + Extension, StringComparison.Ordinal)
            && DateTime.TryParseExact(file[..TimeLength], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);
    }

    /// <summary>
    /// The job id in a key shaped like one <see cref="Compose"/> makes ("…/&lt;time&gt;-&lt;job&gt;.tar.zst",
    /// the time has no '-'), or null for any other key: the first sieve of a store's listing, before
    /// <see cref="Belongs"/> checks the whole key against the job's record.
    /// </summary>
    public static string? JobIdOf(string fullKey)
    {
        var file = fullKey[(fullKey.LastIndexOf('/') + 1)..];
        var dash = file.IndexOf('-', StringComparison.Ordinal);
        return file.EndsWith(Extension, StringComparison.Ordinal) && dash > 0 && dash + 1 < file.Length - Extension.Length
            ? file[(dash + 1)..^Extension.Length]
            : null;
    }

    /// <summary>Joins a provider prefix and a key with exactly one slash between them.</summary>
    public static string WithPrefix(string prefix, string key) =>
        prefix.Trim('/') is { Length: > 0 } p ? $"{p}/{key}" : key;

    /// <summary>
    /// A key-safe form of a name: lower-case ASCII letters, digits, '.', '-' and '_'; anything
    /// else becomes '-'. Keys stay portable across S3-compatible stores and file systems.
    /// </summary>
    public static string Slug(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim().ToLowerInvariant())
        {
            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_';
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-', '.');
        return slug.Length == 0 ? "unnamed" : slug;
    }
}

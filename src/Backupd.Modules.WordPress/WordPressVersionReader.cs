using Backupd.Modules.WordPress.Php;

namespace Backupd.Modules.WordPress;

/// <summary>Reads a site's WordPress version, <c>$wp_version</c> in wp-includes/version.php, without running PHP.</summary>
public static class WordPressVersionReader
{
    /// <summary>The version, such as <c>6.4.2</c>; null when the file or the assignment is missing or not a literal.</summary>
    public static async Task<string?> ReadAsync(string wordPressRoot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(wordPressRoot);
        var path = Path.Combine(wordPressRoot, "wp-includes", "version.php");
        try
        {
            return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The version assigned in the text of a version.php; null when there is none.</summary>
    public static string? Parse(string phpSource)
    {
        ArgumentNullException.ThrowIfNull(phpSource);
        var version = PhpAssignments.Read(phpSource).Variable("wp_version")?.Value;
        return string.IsNullOrWhiteSpace(version) ? null : version;
    }
}

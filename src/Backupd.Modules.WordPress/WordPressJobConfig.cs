using System.ComponentModel;

namespace Backupd.Modules.WordPress;

/// <summary>The config of a WordPress backup job.</summary>
/// <param name="Path">The WordPress root.</param>
/// <param name="Exclude">Glob patterns under wp-content to leave out.</param>
/// <param name="Db">Replaces values read from wp-config.php.</param>
/// <param name="CompressionLevel">The zstd level.</param>
public sealed record WordPressJobConfig(
    [property: Description("The WordPress root: the directory that holds wp-config.php, e.g. /srv/www/example.")]
    string Path,
    [property: Description("Glob patterns, relative to wp-content, of files and directories to leave out, e.g. \"cache\" or \"uploads/**/*.tmp\".")]
    IReadOnlyList<string>? Exclude = null,
    [property: Description("Database settings that replace those read from wp-config.php.")]
    WordPressDatabaseOverride? Db = null,
    [property: Description("The zstd compression level, 1 (fastest) to 19 (smallest); 3 unless set.")]
    int CompressionLevel = 3);

/// <summary>Database settings that replace those read from wp-config.php; each is optional.</summary>
public sealed record WordPressDatabaseOverride(
    [property: Description("Database host name or address.")]
    string? Host = null,
    [property: Description("TCP port.")]
    int? Port = null,
    [property: Description("Unix socket path; used instead of host and port.")]
    string? Socket = null,
    [property: Description("Database name.")]
    string? Name = null,
    [property: Description("Database user.")]
    string? User = null,
    [property: Description("Database password. Stored on the master and masked in every API answer.")]
    string? Password = null)
{
    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"WordPressDatabaseOverride {{ Host = {Host}, Port = {Port}, Socket = {Socket}, Name = {Name}, User = {User} }}";
}

namespace Backupd.Modules.WordPress;

/// <summary>
/// The WordPress site cannot be read as it is: wp-config.php is missing, lacks a setting, or sets
/// it in a way backupd cannot read without running PHP. The message names the file and says
/// what to change; it never contains the database password.
/// </summary>
public sealed class WordPressSiteException(string message, string? path = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The file or directory the problem is in, when there is one.</summary>
    public string? Path { get; } = path;
}

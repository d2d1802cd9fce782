namespace Backupd.Modules.WordPress;

/// <summary>
/// A site's database could not be read. The message names the user, database and server and
/// says what to check; it never contains the password.
/// </summary>
public class DatabaseException(DatabaseFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>What kind of failure it was.</summary>
    public DatabaseFailure Failure { get; } = failure;
}

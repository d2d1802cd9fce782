namespace Backupd.Hosting;

/// <summary>
/// The process could not start for a reason outside its settings' syntax (a busy port, an
/// unwritable database). The message says what is wrong and how to fix it.
/// </summary>
public sealed class StartupFailedException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>
    /// What <paramref name="cause"/> says, without its closing full stop, to quote inside a
    /// sentence of ours: "Cannot write 'x': Access to the path is denied. Make the data dir…".
    /// </summary>
    public static string Reason(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return cause.Message.TrimEnd().TrimEnd('.');
    }
}

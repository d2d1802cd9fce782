namespace Backupd.Hosting;

/// <summary>
/// The process could not start for a reason outside its settings' syntax (a busy port, an
/// unwritable database). The message says what is wrong and how to fix it.
/// </summary>
public sealed class StartupFailedException(string message, Exception? innerException = null) : Exception(message, innerException);

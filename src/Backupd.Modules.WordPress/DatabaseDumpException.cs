namespace Backupd.Modules.WordPress;

/// <summary>A database dump failed; whatever was written to the output is incomplete and must be discarded.</summary>
public sealed class DatabaseDumpException(DatabaseFailure failure, string message, Exception? innerException = null)
    : DatabaseException(failure, message, innerException);

namespace Backupd.Node.Connection;

/// <summary>
/// The node cannot go on without someone's help (its certificate expired, its identity cannot be
/// saved): it stops with this message and exit code 1 rather than retry for ever.
/// </summary>
public sealed class NodeCannotContinueException(string message, Exception? innerException = null) : Exception(message, innerException);

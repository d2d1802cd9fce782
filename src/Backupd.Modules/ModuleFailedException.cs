namespace Backupd.Modules;

/// <summary>A stage failed for a reason the user can act on; the message says what and how to fix it.</summary>
public sealed class ModuleFailedException : Exception
{
    public ModuleFailedException(string message)
        : base(message)
    {
    }

    public ModuleFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// The cause may pass by itself (a store or network that kept failing for a while): worth
    /// running the stage again later, keeping the work already done. Not for wrong settings.
    /// </summary>
    public bool Transient { get; init; }
}

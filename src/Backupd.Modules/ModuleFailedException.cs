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
}

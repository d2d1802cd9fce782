namespace Backupd.Storage;

/// <summary>The steps of <see cref="IStorageProbe.ProbeAsync"/>, in order.</summary>
public enum StorageProbeStep
{
    /// <summary>Writing a small object under the prefix.</summary>
    Write,

    /// <summary>Reading it back and comparing it.</summary>
    Read,

    /// <summary>Deleting it.</summary>
    Delete,
}

/// <summary>What a storage probe found.</summary>
/// <param name="FailedStep">The step that failed; null when all passed.</param>
/// <param name="Error">What went wrong and how to fix it; null when all passed. Never holds the secret.</param>
public sealed record StorageProbeResult(StorageProbeStep? FailedStep, string? Error)
{
    /// <summary>The probe that passed every step.</summary>
    public static StorageProbeResult Passed { get; } = new(null, null);

    /// <summary>True when the object was written, read back intact and deleted.</summary>
    public bool Succeeded => FailedStep is null;
}

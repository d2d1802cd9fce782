namespace Backupd.Modules;

/// <summary>
/// One run of a module: holds what earlier stages produced for later ones. The runner calls
/// <see cref="RunStageAsync"/> for each stage in order, then disposes it.
/// </summary>
public abstract class ModuleRun : IAsyncDisposable
{
    /// <summary>The stored bundle, once the stage that uploads it has run.</summary>
    public StoredBundleInfo? Result { get; protected set; }

    /// <summary>Runs one stage; throws to fail the job (with a message a user can act on).</summary>
    public abstract Task RunStageAsync(string stage, StageContext context);

    /// <summary>
    /// Takes over what an earlier attempt of the same job finished (<paramref name="checkpoint"/>,
    /// with its files in <paramref name="workDirectory"/>), so the job goes on at the checkpoint's
    /// stage. False when the module cannot resume there or the files no longer hold; the run then
    /// starts from the beginning in an emptied work directory.
    /// </summary>
    public virtual bool TryResume(ResumeCheckpoint checkpoint, string workDirectory) => false;

    /// <summary>Releases what the run holds open.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A bundle as it landed in storage.</summary>
/// <param name="Key">Its full key in the provider.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256Hex">Its SHA-256, lower-case hex.</param>
public sealed record StoredBundleInfo(string Key, long Size, string Sha256Hex);

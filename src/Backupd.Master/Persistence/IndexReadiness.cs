namespace Backupd.Master.Persistence;

/// <summary>
/// Done once <see cref="IndexReconciler"/> has brought the index tables up to date at start, or
/// given up trying: what reads them at start (waking schedules, checking stored secrets) waits
/// for it, so that a database from before a table existed is read whole.
/// </summary>
public sealed class IndexReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits until the index tables are up to date.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void Complete() => _ready.TrySetResult();
}

namespace Backupd.Storage;

/// <summary>
/// Sums the bytes of one bundle that reached the store, across parallel parts; a failed attempt
/// takes its bytes back, so a retried part is not counted twice.
/// </summary>
internal sealed class UploadProgress(IProgress<long>? target)
{
    // Parts report from several threads; one at a time keeps the reports in the order of their totals.
    private readonly Lock _reporting = new();
    private long _sent;

    public void Add(long bytes)
    {
        lock (_reporting)
        {
            _sent += bytes;
            target?.Report(_sent);
        }
    }
}

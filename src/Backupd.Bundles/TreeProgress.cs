namespace Backupd.Bundles;

/// <summary>Counts what a tree walk has stored and reports it, at most every 250 ms and once at the end.</summary>
/// <remarks>Reports from inside large files too, so an 8 GiB file does not look like a hang.</remarks>
internal sealed class TreeProgress(IProgress<BundleProgress>? sink, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private long _lastReport = time.GetTimestamp();
    private string? _current;

    public long FilesDone { get; private set; }
    public long BytesDone { get; private set; }

    public void Started(string entryName)
    {
        _current = entryName;
        ReportIfDue();
    }

    public void Read(int bytes)
    {
        BytesDone += bytes;
        ReportIfDue();
    }

    public void FileDone()
    {
        FilesDone++;
        ReportIfDue();
    }

    public void Finished() => sink?.Report(new BundleProgress(FilesDone, BytesDone, null));

    private void ReportIfDue()
    {
        if (sink is null || time.GetElapsedTime(_lastReport) < Interval)
        {
            return;
        }

        _lastReport = time.GetTimestamp();
        sink.Report(new BundleProgress(FilesDone, BytesDone, _current));
    }
}

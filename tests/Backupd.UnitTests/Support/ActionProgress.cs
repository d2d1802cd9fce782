namespace Backupd.Tests.Bundles;

/// <summary>Reports synchronously on the caller's thread, unlike <see cref="Progress{T}"/>, so tests can act at an exact point.</summary>
internal sealed class ActionProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}

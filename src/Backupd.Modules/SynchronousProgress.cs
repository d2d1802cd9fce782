namespace Backupd.Modules;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread.
/// <see cref="Progress{T}"/> posts to the thread pool instead, so its last reports can arrive
/// after the work has ended and overwrite the final figures.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}

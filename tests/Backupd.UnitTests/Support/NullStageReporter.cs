using Backupd.Modules;

namespace Backupd.Tests.Modules;

/// <summary>A stage reporter for tests that do not look at progress or log lines.</summary>
internal sealed class NullStageReporter : IStageReporter
{
    public void Progress(long bytesDone, long? bytesTotal = null, string? message = null)
    {
    }

    public void Info(string message)
    {
    }

    public void Warning(string message)
    {
    }
}

namespace Backupd.Modules;

/// <summary>Progress and log lines from a running stage; cheap to call often (the runner batches).</summary>
public interface IStageReporter
{
    /// <summary>Reports how far the stage is.</summary>
    void Progress(long bytesDone, long? bytesTotal = null, string? message = null);

    /// <summary>Adds a line to the job's log.</summary>
    void Info(string message);

    /// <summary>Adds a warning to the job's log.</summary>
    void Warning(string message);
}

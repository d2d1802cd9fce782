namespace Backupd.Contracts.Jobs;

/// <summary>The severity of a job log line.</summary>
public enum JobLogLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>One line of a job's log.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobLogEntry")]
public sealed record JobLogEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] JobLogLevel Level,
    [property: Id(2)] string Message);

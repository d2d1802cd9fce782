using Backupd.Contracts.Schedules;

namespace Backupd.Grains.Schedules;

/// <summary>Stored state of a schedule. Secrets in its config are Fernet tokens.</summary>
[GenerateSerializer, Alias("backupd.schedules.ScheduleRecord")]
public sealed class ScheduleRecord
{
    [Id(0)] public ScheduleDefinition? Definition { get; set; }

    [Id(1)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last occurrence that was run, skipped or given up on: the watermark the next tick starts from.</summary>
    [Id(2)] public DateTimeOffset LastDueHandled { get; set; }

    [Id(3)] public string? LastJobId { get; set; }

    [Id(4)] public List<ScheduleEvent> History { get; set; } = [];

    /// <summary>What the last run (on time, late or by hand) came to, in words: the job it made, or why it made none.</summary>
    [Id(5)] public string? LastResult { get; set; }

    /// <summary>The receipt of the latest test-restore of one of this schedule's backups: when the site was last proven restorable.</summary>
    [Id(6)] public Contracts.Jobs.RestoreReceipt? LastTestRestore { get; set; }

    /// <summary>The last occurrence of the test-restore cron handled: its watermark, as <see cref="LastDueHandled"/> is the backups'.</summary>
    [Id(7)] public DateTimeOffset LastTestRestoreDueHandled { get; set; }
}

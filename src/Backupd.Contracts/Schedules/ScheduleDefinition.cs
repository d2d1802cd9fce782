namespace Backupd.Contracts.Schedules;

/// <summary>A schedule as an admin defines it: what to back up, where, when, what to keep, and whether each new bundle is verified.</summary>
[GenerateSerializer, Immutable, Alias("backupd.schedules.ScheduleDefinition")]
public sealed record ScheduleDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Cron,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] string NodeId,
    [property: Id(4)] string Module,
    [property: Id(5)] string ConfigJson,
    [property: Id(6)] string ProviderId,
    [property: Id(7)] int Priority,
    [property: Id(8)] bool Enabled,
    [property: Id(9)] RetentionSettings? Retention,
    [property: Id(10)] TimeSpan CatchUpWindow,
    [property: Id(11)] bool VerifyAfterBackup = false,
    [property: Id(12)] bool TestRestoreAfterBackup = false)
{
    /// <summary>How late a missed run may still start when none is given.</summary>
    public static readonly TimeSpan DefaultCatchUpWindow = TimeSpan.FromHours(1);
}

/// <summary>How many bundles a schedule keeps, as <c>restic forget --keep-*</c> counts them.</summary>
[GenerateSerializer, Immutable, Alias("backupd.schedules.RetentionSettings")]
public sealed record RetentionSettings(
    [property: Id(0)] int? KeepLast,
    [property: Id(1)] int? KeepDaily,
    [property: Id(2)] int? KeepWeekly,
    [property: Id(3)] int? KeepMonthly);

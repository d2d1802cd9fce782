namespace Backupd.Contracts.Schedules;

/// <summary>
/// A schedule as an admin defines it: what to back up, where, when, what to keep, and whether
/// each new bundle is verified and test-restored (on <see cref="TestRestoreNodeId"/>, the
/// schedule's node when null, beside the WordPress install at <see cref="TestRestorePath"/>, the
/// backed-up site when null): after each run, and on <see cref="TestRestoreCron"/> (in the
/// schedule's time zone) the newest bundle.
/// </summary>
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
    [property: Id(12)] bool TestRestoreAfterBackup = false,
    [property: Id(13)] string? TestRestoreNodeId = null,
    [property: Id(14)] string? TestRestorePath = null,
    [property: Id(15)] string? TestRestoreCron = null)
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

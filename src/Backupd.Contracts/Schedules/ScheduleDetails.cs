using Backupd.Contracts.Jobs;

namespace Backupd.Contracts.Schedules;

/// <summary>A schedule as the API shows it: secret config values masked.</summary>
[GenerateSerializer, Immutable, Alias("backupd.schedules.ScheduleDetails")]
public sealed record ScheduleDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] ScheduleDefinition Definition,
    [property: Id(2)] DateTimeOffset? NextRunAt,
    [property: Id(3)] string? LastJobId,
    [property: Id(4)] JobState? LastJobState,
    [property: Id(5)] IReadOnlyList<ScheduleEvent> History,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] string? LastResult = null,
    [property: Id(8)] Jobs.RestoreReceipt? LastTestRestore = null);

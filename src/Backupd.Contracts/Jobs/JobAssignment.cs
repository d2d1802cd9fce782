namespace Backupd.Contracts.Jobs;

/// <summary>
/// A job handed to its node: the unmasked config the module needs, and the attempt number the
/// node quotes in every later call so a node that lost its lease cannot report over a newer run.
/// </summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.JobAssignment")]
public sealed record JobAssignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Module,
    [property: Id(3)] string ConfigJson,
    [property: Id(4)] string ProviderId,
    [property: Id(5)] TimeSpan LeaseDuration,
    [property: Id(6)] DateTimeOffset CreatedAt)
{
    /// <summary>Keeps the config, which may hold a database password, out of logs.</summary>
    public override string ToString() => $"JobAssignment {{ JobId = {JobId}, Attempt = {Attempt}, Module = {Module}, ProviderId = {ProviderId} }}";
}

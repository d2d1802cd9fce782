namespace Backupd.Grains.Jobs;

/// <summary>A job waiting in a node's queue.</summary>
[GenerateSerializer, Immutable, Alias("backupd.jobs.QueuedJob")]
public sealed record QueuedJob(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Priority,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>Stored state of a node's queue.</summary>
[GenerateSerializer, Alias("backupd.jobs.NodeJobQueueState")]
public sealed class NodeJobQueueState
{
    [Id(0)] public List<QueuedJob> Jobs { get; set; } = [];
}

using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Modules;

/// <summary>What a stage gets to work with.</summary>
public sealed class StageContext
{
    /// <summary>The job being run.</summary>
    public required string JobId { get; init; }

    /// <summary>The node running it.</summary>
    public required string NodeId { get; init; }

    /// <summary>The stage being run.</summary>
    public required string StageName { get; init; }

    /// <summary>A directory of the job's own, deleted when the job ends.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The node's limits: stages hold an I/O, network or CPU slot for their heavy work.</summary>
    public required ResourceManager Resources { get; init; }

    /// <summary>Where the stage reports progress and log lines.</summary>
    public required IStageReporter Reporter { get; init; }

    /// <summary>Opens the job's storage target; asks the master for its settings on first use.</summary>
    public required Func<CancellationToken, Task<IBundleStorage>> OpenStorageAsync { get; init; }

    /// <summary>
    /// The key of the job's bundle (without the provider's prefix), made by the master, which
    /// accepts no other: given the site's name, it adds the node, module, time and job. The
    /// bundle's SHA-256 goes along, so a bundle an earlier attempt kept gets the same key.
    /// </summary>
    public required Func<string, string, CancellationToken, Task<string>> PlaceBundleAsync { get; init; }

    /// <summary>When this run started, in UTC; goes in the bundle's manifest.</summary>
    public required DateTimeOffset RunStartedAt { get; init; }

    /// <summary>The backupd version writing the bundle.</summary>
    public required string BackupdVersion { get; init; }

    /// <summary>
    /// The waits before running a stage again after it failed for a reason that may pass by
    /// itself (<see cref="ModuleFailedException.Transient"/>), one per retry; none by default.
    /// </summary>
    public IReadOnlyList<TimeSpan> TransientRetryDelays { get; init; } = [];

    /// <summary>The clock retry waits follow.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// True once the run is being stopped without having failed or been cancelled (the node is
    /// stopping, or lost the job): a clean-up stage then keeps what a <see cref="ResumeCheckpoint"/>
    /// names, for the next attempt to resume from.
    /// </summary>
    public Func<bool> Interrupted { get; init; } = () => false;

    /// <summary>Cancelled when an admin cancels the job or the node stops.</summary>
    public required CancellationToken CancellationToken { get; init; }
}

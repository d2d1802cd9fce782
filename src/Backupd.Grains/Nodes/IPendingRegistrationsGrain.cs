using Backupd.Contracts.Nodes;
namespace Backupd.Grains.Nodes;

/// <summary>
/// The registrations waiting for approval, across the cluster (one grain, key 0), so that an
/// anonymous client cannot fill the node list or the database: so many per address, so many
/// in all. A registration stops counting when it is approved, deleted or expired.
/// </summary>
[Alias("backupd.nodes.IPendingRegistrationsGrain")]
public interface IPendingRegistrationsGrain : IGrainWithIntegerKey
{
    /// <summary>Takes a place for <paramref name="nodeId"/> until <paramref name="expiresAt"/>, unless a cap is reached.</summary>
    [Alias("TryReserve")]
    Task<PendingReservation> TryReserveAsync(string nodeId, string addressGroup, DateTimeOffset expiresAt);

    /// <summary>Gives the place of an approved or deleted registration back.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string nodeId);
}

/// <summary>The answer to <see cref="IPendingRegistrationsGrain.TryReserveAsync"/>.</summary>
/// <param name="Outcome"><see cref="RegistrationOutcome.Ok"/>, <see cref="RegistrationOutcome.TooManyFromAddress"/> or <see cref="RegistrationOutcome.TooManyPending"/>.</param>
/// <param name="Limit">The cap that was reached.</param>
/// <param name="RetryAfter">When refused: how long until a place frees up on its own.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.PendingReservation")]
public sealed record PendingReservation(
    [property: Id(0)] RegistrationOutcome Outcome,
    [property: Id(1)] int Limit = 0,
    [property: Id(2)] TimeSpan? RetryAfter = null);

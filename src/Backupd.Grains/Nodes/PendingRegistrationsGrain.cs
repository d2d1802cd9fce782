using Backupd.Contracts.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="IPendingRegistrationsGrain"/>
public sealed partial class PendingRegistrationsGrain(
    [PersistentState("pending", StorageNames.Master)] IPersistentState<PendingRegistrationsState> pending,
    IOptions<RegistrationOptions> options,
    TimeProvider time,
    ILogger<PendingRegistrationsGrain> logger) : Grain, IPendingRegistrationsGrain
{
    private Dictionary<string, PendingRegistrationEntry> Entries => pending.State.Entries;

    public async Task<PendingReservation> TryReserveAsync(string nodeId, string addressGroup, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        // Expired registrations hold no place; the sweeper removes their nodes after the grace period.
        var changed = Entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList().Count(Entries.Remove) > 0;
        var limits = options.Value;
        var fromAddress = Entries.Values.Where(e => e.AddressGroup == addressGroup).ToList();
        PendingReservation? refused = null;
        if (fromAddress.Count >= limits.MaxPendingPerAddress)
        {
            refused = new PendingReservation(RegistrationOutcome.TooManyFromAddress, limits.MaxPendingPerAddress, fromAddress.Min(e => e.ExpiresAt) - now);
            LogAddressFull(addressGroup, limits.MaxPendingPerAddress);
        }
        else if (Entries.Count >= limits.MaxPending)
        {
            refused = new PendingReservation(RegistrationOutcome.TooManyPending, limits.MaxPending, Entries.Values.Min(e => e.ExpiresAt) - now);
            LogFull(addressGroup, limits.MaxPending);
        }
        else
        {
            Entries[nodeId] = new PendingRegistrationEntry(addressGroup, expiresAt);
            changed = true;
        }

        if (changed)
        {
            await pending.WriteStateAsync();
        }

        return refused ?? new PendingReservation(RegistrationOutcome.Ok);
    }

    public async Task ReleaseAsync(string nodeId)
    {
        if (Entries.Remove(nodeId))
        {
            await pending.WriteStateAsync();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Refused a registration from {Address}: it already has {Limit} waiting for approval (BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS)")]
    private partial void LogAddressFull(string address, int limit);

    [LoggerMessage(LogLevel.Warning, "Refused a registration from {Address}: {Limit} registrations are already waiting for approval (BACKUPD_REGISTRATION_MAX_PENDING)")]
    private partial void LogFull(string address, int limit);
}

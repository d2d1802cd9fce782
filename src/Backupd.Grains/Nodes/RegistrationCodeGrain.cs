using Backupd.Contracts;
using Backupd.Contracts.Nodes;
using Microsoft.Extensions.Options;

namespace Backupd.Grains.Nodes;

/// <inheritdoc cref="IRegistrationCodeGrain"/>
public sealed class RegistrationCodeGrain(
    [PersistentState("code", StorageNames.Master)] IPersistentState<RegistrationCodeState> code,
    IOptions<RegistrationOptions> options,
    TimeProvider time) : Grain, IRegistrationCodeGrain
{
    private RegistrationCodeState State => code.State;

    private IPendingRegistrationsGrain Pending => GrainFactory.GetGrain<IPendingRegistrationsGrain>(0);

    private bool HeldByPending => State.NodeId is not null && State.ApprovedAt is null && time.GetUtcNow() < State.ExpiresAt;

    public async Task<RegistrationResult> RegisterAsync(RegistrationRequest request)
    {
        if (HeldByPending)
        {
            return new RegistrationResult(RegistrationOutcome.CodeInUse);
        }

        var nodeId = NodeApiKeyFormat.NewNodeId();
        var expiresAt = time.GetUtcNow() + options.Value.CodeLifetime;
        var place = await Pending.TryReserveAsync(nodeId, request.AddressGroup, expiresAt);
        if (place.Outcome != RegistrationOutcome.Ok)
        {
            return new RegistrationResult(place.Outcome, RetryAfter: place.RetryAfter);
        }

        var node = GrainFactory.GetGrain<INodeGrain>(nodeId);
        await node.RegisterAsync(request with { Code = this.GetPrimaryKeyString() }, expiresAt);

        State.NodeId = nodeId;
        State.ExpiresAt = expiresAt;
        State.ApprovedAt = null;
        await code.WriteStateAsync();
        return new RegistrationResult(RegistrationOutcome.Ok, await node.GetSummaryAsync());
    }

    public async Task<RegistrationResult> ApproveAsync()
    {
        if (State.NodeId is null)
        {
            return new RegistrationResult(RegistrationOutcome.UnknownCode);
        }

        if (State.ApprovedAt is not null)
        {
            return new RegistrationResult(RegistrationOutcome.AlreadyUsed);
        }

        var result = await GrainFactory.GetGrain<INodeGrain>(State.NodeId).ApproveAsync();
        if (result.Outcome == RegistrationOutcome.Ok)
        {
            State.ApprovedAt = time.GetUtcNow();
            await code.WriteStateAsync();
            await Pending.ReleaseAsync(State.NodeId);
        }

        return result;
    }

    public Task<RegistrationResult> ClaimAsync(string secret) =>
        State.NodeId is null
            ? Task.FromResult(new RegistrationResult(RegistrationOutcome.UnknownCode))
            : GrainFactory.GetGrain<INodeGrain>(State.NodeId).ClaimAsync(secret);
}

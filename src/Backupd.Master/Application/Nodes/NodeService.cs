using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Master.NodeApi;

namespace Backupd.Master.Application.Nodes;

/// <summary>Nodes as an admin handles them: approve one by its code, list them, disable or delete one.</summary>
public sealed class NodeService(IGrainFactory grains, INodeIndex index, NodeConnections connections)
{
    /// <summary>Approves the node waiting with <paramref name="code"/>.</summary>
    public async Task<Outcome<NodeSummary>> ApproveAsync(string? code)
    {
        if (!RegistrationCode.IsValid(code))
        {
            return Problem.Invalid("Invalid code", "code", "must be the 5 characters the node shows on its console",
                "Send { \"code\": \"XC9D2\" }: the 5 characters the node shows on its console.");
        }

        code = code!.ToUpperInvariant();
        var result = await grains.GetGrain<IRegistrationCodeGrain>(code).ApproveAsync();
        return result.Outcome switch
        {
            RegistrationOutcome.Ok => result.Node!,
            RegistrationOutcome.Expired => Problem.Conflict("Code expired", $"The code {code} expired before it was approved. Restart the node to get a new code."),
            RegistrationOutcome.AlreadyUsed => Problem.Conflict("Code already used", $"The code {code} was already approved."),
            _ => Problem.NotFound("Unknown code", $"No node is waiting with the code {code}. Check the code on the node's console."),
        };
    }

    /// <summary>
    /// Nodes in the order they registered, from the node index: those in <paramref name="status"/>
    /// (pending, active, disabled, expired), or all but expired registrations, which are noise in
    /// the everyday list and stay visible on request until the sweeper removes them.
    /// </summary>
    public async Task<Outcome<NodeSummary[]>> ListAsync(string? status)
    {
        NodeStatus? only = null;
        if (status is not null)
        {
            if (!Enum.TryParse<NodeStatus>(status, ignoreCase: true, out var parsed) || parsed == NodeStatus.Deleted || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return Problem.Invalid("Invalid status", "status", "must be one of pending, active, disabled, expired",
                    "\"status\" must be one of pending, active, disabled, expired.");
            }

            only = parsed;
        }

        return (await index.ListAsync(only)).ToArray();
    }

    /// <summary>One node, with its last contact to the second.</summary>
    public async Task<Outcome<NodeSummary>> GetAsync(string id) =>
        await grains.GetGrain<INodeGrain>(id).GetSummaryAsync() is { } node ? node : NotFound(id);

    /// <summary>
    /// Disables a node: the grain refuses its certificate from now on, and its open connections
    /// close too, so it cannot go on with a request or a signal stream it had open.
    /// </summary>
    public async Task<Outcome<NodeSummary>> DisableAsync(string id)
    {
        var node = await grains.GetGrain<INodeGrain>(id).DisableAsync();
        connections.Close(id);
        return node is not null ? node : NotFound(id);
    }

    /// <summary>Deletes a node: its certificate and key stop working and its connections close, at once.</summary>
    public async Task<Outcome<Done>> DeleteAsync(string id)
    {
        var deleted = await grains.GetGrain<INodeGrain>(id).DeleteAsync();
        connections.Close(id);
        return deleted ? Done.Value : NotFound(id);
    }

    private static Problem NotFound(string id) => Problem.NotFound("No such node", $"No node has the id '{id}'. GET /api/v1/nodes lists them.");
}

namespace Backupd.Contracts.Nodes;

/// <summary>A registered host, keyed by node id. Holds only a hash of its API key.</summary>
[Alias("backupd.nodes.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Records a new pending registration.</summary>
    [Alias("Register")]
    Task RegisterAsync(RegistrationRequest request, DateTimeOffset expiresAt);

    /// <summary>Activates a pending node. Refused when it is not pending or has expired.</summary>
    [Alias("Approve")]
    Task<RegistrationResult> ApproveAsync();

    /// <summary>Hands out the API key once, to the holder of the registration secret.</summary>
    [Alias("Claim")]
    Task<RegistrationResult> ClaimAsync(string secret);

    /// <summary>Checks an API key; true only for an active node's current key.</summary>
    [Alias("Authenticate")]
    Task<bool> AuthenticateAsync(string apiKey);

    /// <summary>Records a heartbeat from an authenticated node session.</summary>
    [Alias("RecordHeartbeat")]
    Task RecordHeartbeatAsync(NodeCapabilities capabilities);

    /// <summary>The node as the API shows it; null if it never existed or was deleted.</summary>
    [Alias("GetSummary")]
    Task<NodeSummary?> GetSummaryAsync();

    /// <summary>Turns the node off: its key stops working at once.</summary>
    [Alias("Disable")]
    Task<NodeSummary?> DisableAsync();

    /// <summary>Removes the node: its key stops working at once.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();
}

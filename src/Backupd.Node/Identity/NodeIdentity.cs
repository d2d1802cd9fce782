namespace Backupd.Node.Identity;

/// <summary>Who this node is to the master.</summary>
/// <param name="NodeId">The id the master gave it.</param>
/// <param name="ApiKey">Its API key; never logged.</param>
public sealed record NodeIdentity(string NodeId, string ApiKey)
{
    /// <summary>Keeps the key out of logs and exception messages that format the record.</summary>
    public override string ToString() => $"NodeIdentity {{ NodeId = {NodeId} }}";
}

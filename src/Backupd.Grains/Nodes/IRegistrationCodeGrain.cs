using Backupd.Contracts.Nodes;
namespace Backupd.Grains.Nodes;

/// <summary>
/// One registration code, keyed by the code itself, so that a code is held by at most one
/// pending registration at a time.
/// </summary>
[Alias("backupd.nodes.IRegistrationCodeGrain")]
public interface IRegistrationCodeGrain : IGrainWithStringKey
{
    /// <summary>Creates a pending node for this code, unless another pending registration holds it.</summary>
    [Alias("Register")]
    Task<RegistrationResult> RegisterAsync(RegistrationRequest request);

    /// <summary>An admin approves the code: the node becomes active.</summary>
    [Alias("Approve")]
    Task<RegistrationResult> ApproveAsync();

    /// <summary>The node asks whether it was approved; the first answer after approval carries its API key.</summary>
    [Alias("Claim")]
    Task<RegistrationResult> ClaimAsync(string secret);
}

namespace Backupd.Contracts.Nodes;

/// <summary>The answer to a registration step.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Node">The node concerned, when there is one.</param>
/// <param name="ApiKey">The node's API key: only in the one answer that hands it out.</param>
/// <param name="Certificate">The node's certificate: in that same answer.</param>
/// <param name="RetryAfter">When a registration was refused for the caps: how long until a pending one expires.</param>
[GenerateSerializer, Immutable, Alias("backupd.nodes.RegistrationResult")]
public sealed record RegistrationResult(
    [property: Id(0)] RegistrationOutcome Outcome,
    [property: Id(1)] NodeSummary? Node = null,
    [property: Id(2)] string? ApiKey = null,
    [property: Id(3)] NodeCertificate? Certificate = null,
    [property: Id(4)] TimeSpan? RetryAfter = null);

namespace Backupd.Grains.Secrets;

/// <summary>
/// A grain that keeps secrets encrypted with the master's keys (provider credentials, passwords
/// in configs). Key rotation and the start-up check reach every kind of holder through this,
/// and a test fails when a grain that encrypts does not implement it.
/// </summary>
[Alias("backupd.secrets.ISecretHolder")]
public interface ISecretHolder : IGrain
{
    /// <summary>Re-encrypts every secret it holds with the current key.</summary>
    [Alias("ReencryptSecrets")]
    Task<SecretsReencryption> ReencryptSecretsAsync();

    /// <summary>How many of its secrets no configured key opens.</summary>
    [Alias("CountUnreadableSecrets")]
    Task<int> CountUnreadableSecretsAsync();
}

/// <summary>What one holder's re-encryption did.</summary>
/// <param name="Reencrypted">Secrets now encrypted with the current key that were not before.</param>
/// <param name="Unreadable">Secrets that no configured key opens: left as they were.</param>
[GenerateSerializer, Immutable, Alias("backupd.secrets.SecretsReencryption")]
public sealed record SecretsReencryption(
    [property: Id(0)] int Reencrypted,
    [property: Id(1)] int Unreadable)
{
    /// <summary>Nothing to do.</summary>
    public static SecretsReencryption None { get; } = new(0, 0);
}

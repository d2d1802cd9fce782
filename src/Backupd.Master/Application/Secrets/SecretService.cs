using Backupd.Master.Secrets;

namespace Backupd.Master.Application.Secrets;

/// <summary>The stored secrets as an admin looks after them: whether they all open, and rotation to a new key.</summary>
public sealed class SecretService(SecretHolders holders)
{
    /// <summary>Which holders have secrets that no configured key opens.</summary>
    public async Task<SecretsStatus> StatusAsync()
    {
        var unreadable = new List<UnreadableSecrets>();
        foreach (var holder in await holders.ListAsync())
        {
            if (await holder.Grain.CountUnreadableSecretsAsync() is var count and > 0)
            {
                unreadable.Add(new UnreadableSecrets(holder.Kind, holder.Id, count));
            }
        }

        return new SecretsStatus(unreadable);
    }

    /// <summary>Re-encrypts every stored secret with the first key of <c>BACKUPD_SECRET_KEY</c>; unreadable ones stay as they were and are listed.</summary>
    public async Task<RotationResult> RotateAsync()
    {
        var reencrypted = SecretHolders.Kinds.ToDictionary(kind => kind.Name, _ => 0);
        var unreadable = new List<UnreadableSecrets>();
        foreach (var holder in await holders.ListAsync())
        {
            var done = await holder.Grain.ReencryptSecretsAsync();
            reencrypted[holder.Kind] += done.Reencrypted > 0 ? 1 : 0;
            if (done.Unreadable > 0)
            {
                unreadable.Add(new UnreadableSecrets(holder.Kind, holder.Id, done.Unreadable));
            }
        }

        return new RotationResult(reencrypted, unreadable);
    }
}

/// <summary>A holder whose secrets no configured key opens.</summary>
/// <param name="Kind"><c>provider</c>, <c>schedule</c> or <c>job</c>.</param>
/// <param name="Id">Its id.</param>
/// <param name="Secrets">How many of its secrets.</param>
public sealed record UnreadableSecrets(string Kind, string Id, int Secrets);

/// <summary>What <c>GET /api/v1/secrets</c> answers: empty when every stored secret opens.</summary>
public sealed record SecretsStatus(IReadOnlyList<UnreadableSecrets> Unreadable);

/// <summary>What a rotation did.</summary>
/// <param name="Reencrypted">How many holders of each kind had secrets re-encrypted with the first key.</param>
/// <param name="Unreadable">Holders whose secrets no configured key opens: left as they were, so the rotation did not finish.</param>
public sealed record RotationResult(IReadOnlyDictionary<string, int> Reencrypted, IReadOnlyList<UnreadableSecrets> Unreadable);

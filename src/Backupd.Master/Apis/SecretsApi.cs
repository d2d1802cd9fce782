using Backupd.Master.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/secrets</c>: whether the stored secrets open, and key rotation.</summary>
public static class SecretsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/secrets", StatusAsync).WithTags("secrets")
            .WithName("GetSecretsStatus")
            .WithSummary("Which stored secrets no configured key opens");
        endpoints.MapPost("/api/v1/secrets/rotate", RotateAsync).WithTags("secrets")
            .WithName("RotateSecrets")
            .WithSummary("Re-encrypt every stored secret with the first key of BACKUPD_SECRET_KEY (what `backupd secrets rotate` calls)");
        return endpoints;
    }

    private static async Task<Ok<SecretsStatus>> StatusAsync(SecretHolders holders)
    {
        var unreadable = new List<UnreadableSecrets>();
        foreach (var holder in await holders.ListAsync())
        {
            if (await holder.Grain.CountUnreadableSecretsAsync() is var count and > 0)
            {
                unreadable.Add(new UnreadableSecrets(holder.Kind, holder.Id, count));
            }
        }

        return TypedResults.Ok(new SecretsStatus(unreadable));
    }

    private static async Task<Ok<RotationResult>> RotateAsync(SecretHolders holders)
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

        return TypedResults.Ok(new RotationResult(reencrypted, unreadable));
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

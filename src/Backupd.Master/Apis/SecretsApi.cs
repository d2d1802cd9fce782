using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/secrets</c>: key rotation for the secrets the master stores.</summary>
public static class SecretsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/secrets/rotate", RotateAsync).WithTags("secrets")
            .WithName("RotateSecrets")
            .WithSummary("Re-encrypt every stored secret with the first key of BACKUPD_SECRET_KEY (what `backupd secrets rotate` calls)");
        return endpoints;
    }

    private static async Task<Ok<RotationResult>> RotateAsync(IGrainFactory grains)
    {
        var providers = 0;
        foreach (var id in await grains.Of(Directories.Providers).ListAsync())
        {
            providers += await grains.GetGrain<IStorageProviderGrain>(id).ReencryptSecretsAsync() ? 1 : 0;
        }

        // Finished jobs keep no secrets, so only pending and running ones can need it.
        var jobs = 0;
        var index = grains.GetGrain<IJobIndexGrain>(0);
        foreach (var state in new[] { JobState.Pending, JobState.Running })
        {
            foreach (var job in await index.QueryAllAsync(new JobQuery(State: state)))
            {
                jobs += await grains.GetGrain<IJobGrain>(job.Id).ReencryptSecretsAsync() ? 1 : 0;
            }
        }

        return TypedResults.Ok(new RotationResult(providers, jobs));
    }
}

/// <summary>How many stored items were re-encrypted.</summary>
/// <param name="Providers">Storage providers whose credentials were re-encrypted.</param>
/// <param name="Jobs">Pending or running jobs whose config secrets were re-encrypted.</param>
public sealed record RotationResult(int Providers, int Jobs);

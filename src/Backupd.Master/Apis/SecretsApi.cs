using Backupd.Master.Application.Secrets;
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

    private static async Task<Ok<SecretsStatus>> StatusAsync(SecretService secrets) => TypedResults.Ok(await secrets.StatusAsync());

    private static async Task<Ok<RotationResult>> RotateAsync(SecretService secrets) => TypedResults.Ok(await secrets.RotateAsync());
}

using Backupd.Contracts.Storage;
using Backupd.Master.Application.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/providers</c>: where bundles are stored. Answers never carry a secret.</summary>
public static class ProvidersApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/providers").WithTags("providers");
        group.MapPost("/", CreateAsync)
            .WithName("CreateProvider").WithSummary("Add a storage provider (local folder or S3-compatible bucket)");
        group.MapGet("/", ListAsync)
            .WithName("ListProviders").WithSummary("All storage providers (never a secret, only whether one is set)");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetProvider").WithSummary("One storage provider (never a secret)");
        group.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateProvider").WithSummary("Replace a provider's settings; omitted credentials are kept");
        group.MapPost("/{id}/test", TestAsync)
            .WithName("TestProvider").WithSummary("Write, read and delete a probe object from the master, and say which step failed and why");
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteProvider").WithSummary("Delete a provider; refused while pending or running jobs use it");
        return endpoints;
    }

    private static async Task<Results<Created<StorageProviderSummary>, ValidationProblem, ProblemHttpResult>> CreateAsync(ProviderRequest body, ProviderService providers) =>
        ApiAnswers.Created(await providers.CreateAsync(body), provider => $"/api/v1/providers/{provider.Id}", provider => provider);

    private static async Task<Results<Ok<StorageProviderSummary>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, ProviderRequest body, ProviderService providers) =>
        ApiAnswers.Ok(await providers.UpdateAsync(id, body));

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(string id, ProviderService providers) =>
        ApiAnswers.NoContent(await providers.DeleteAsync(id));

    private static async Task<Results<Ok<ProviderTestResult>, ValidationProblem, ProblemHttpResult>> TestAsync(string id, ProviderService providers, CancellationToken cancellationToken) =>
        ApiAnswers.Ok(await providers.TestAsync(id, cancellationToken));

    private static async Task<Ok<StorageProviderSummary[]>> ListAsync(ProviderService providers) =>
        TypedResults.Ok((await providers.ListAsync()).ToArray());

    private static async Task<Results<Ok<StorageProviderSummary>, ValidationProblem, ProblemHttpResult>> GetAsync(string id, ProviderService providers) =>
        ApiAnswers.Ok(await providers.GetAsync(id));
}

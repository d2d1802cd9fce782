using Backupd.Contracts.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/providers</c>: where bundles are stored.</summary>
public static class ProvidersApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/providers").WithTags("providers");
        group.MapPost("/", CreateAsync)
            .WithName("CreateProvider").WithSummary("Add a storage provider");
        group.MapGet("/", ListAsync)
            .WithName("ListProviders").WithSummary("All storage providers (never a secret)");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetProvider").WithSummary("One storage provider (never a secret)");
        return endpoints;
    }

    private static async Task<Results<Created<StorageProviderSummary>, ValidationProblem>> CreateAsync(CreateProviderRequest body, IGrainFactory grains)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
        {
            errors.Add(("name", "is required: 1 to 100 characters"));
        }

        switch (body.Type)
        {
            case StorageTypes.Local:
                if (string.IsNullOrWhiteSpace(body.Path) || !Path.IsPathFullyQualified(body.Path))
                {
                    errors.Add(("path", "is required for a local provider: an absolute directory path on the nodes, e.g. /var/backups/backupd"));
                }

                break;
            default:
                errors.Add(("type", $"must be one of: {string.Join(", ", StorageTypes.All)}"));
                break;
        }

        var prefix = (body.Prefix ?? "").Trim('/');
        if (prefix.Split('/').Any(segment => segment is ".." or "."))
        {
            errors.Add(("prefix", "must not contain '.' or '..' segments"));
        }

        if (errors.Count > 0)
        {
            return Invalid("Invalid provider", errors);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var provider = await grains.GetGrain<IStorageProviderGrain>(id).CreateAsync(new StorageProviderDefinition(body.Name!.Trim(), body.Type!, body.Path, prefix));
        return TypedResults.Created($"/api/v1/providers/{id}", provider);
    }

    private static async Task<Ok<StorageProviderSummary[]>> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IStorageProviderDirectoryGrain>(0).ListAsync();
        var providers = await Task.WhenAll(ids.Select(id => grains.GetGrain<IStorageProviderGrain>(id).GetAsync()));
        return TypedResults.Ok(providers.OfType<StorageProviderSummary>().ToArray());
    }

    private static async Task<Results<Ok<StorageProviderSummary>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IStorageProviderGrain>(id).GetAsync() is { } provider
            ? TypedResults.Ok(provider)
            : Problem(StatusCodes.Status404NotFound, "No such provider", $"No provider has the id '{id}'. GET /api/v1/providers lists them.");
}

/// <summary>A new storage provider.</summary>
/// <param name="Name">A name people recognise.</param>
/// <param name="Type"><c>local</c>.</param>
/// <param name="Path">For <c>local</c>: an absolute directory on the node running each job; it must exist there.</param>
/// <param name="Prefix">Sub-directory (key prefix) for every bundle; optional.</param>
public sealed record CreateProviderRequest(string? Name, string? Type, string? Path, string? Prefix);

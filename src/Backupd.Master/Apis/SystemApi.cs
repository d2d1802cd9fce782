using Backupd.Master.Application.Maintenance;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/system</c>: what this master is.</summary>
public static class SystemApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/system", (SystemService system) => TypedResults.Ok(system.Info()))
            .WithTags("system")
            .WithName("GetSystemInfo")
            .WithSummary("Version and cluster identity of this master");
        endpoints.MapPost("/api/v1/system/index/rebuild", async (SystemService system, CancellationToken cancellationToken) => TypedResults.Ok(await system.RebuildIndexAsync(cancellationToken)))
            .WithTags("system")
            .WithName("RebuildIndex")
            .WithSummary("Rewrite every row of the index tables (jobs, nodes, providers, schedules) from the grains' own state (backupd index rebuild)");
        return endpoints;
    }
}

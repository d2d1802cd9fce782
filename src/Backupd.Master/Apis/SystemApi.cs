using System.Reflection;
using Backupd.Master.NodeApi;
using Backupd.Master.Persistence;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/system</c>: what this master is.</summary>
public static class SystemApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/system", GetInfo)
            .WithTags("system")
            .WithName("GetSystemInfo")
            .WithSummary("Version and cluster identity of this master");
        endpoints.MapPost("/api/v1/system/index/rebuild", RebuildIndexAsync)
            .WithTags("system")
            .WithName("RebuildIndex")
            .WithSummary("Rewrite every row of the index tables (jobs, nodes, providers, schedules) from the grains' own state (backupd index rebuild)");
        return endpoints;
    }

    // The grains' state is the truth; the index is derived from it and can always be made again.
    private static async Task<Ok<IndexRebuildResult>> RebuildIndexAsync(SqliteIndexVersions versions, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var counts = await IndexReconciler.RebuildAsync(versions, grains, cancellationToken);
        return TypedResults.Ok(new IndexRebuildResult(counts["jobs"], counts["nodes"], counts["providers"], counts["schedules"]));
    }

    private static Ok<SystemInfo> GetInfo(IOptions<MasterOptions> options, NodeApiAddress nodeApi, NodeCertificateAuthority authority, TimeProvider time)
    {
        var settings = options.Value;
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return TypedResults.Ok(new SystemInfo(version, settings.ClusterId, settings.ServiceId, nodeApi.Url, authority.Fingerprint, time.GetUtcNow()));
    }
}

/// <summary>What <c>POST /api/v1/system/index/rebuild</c> answers.</summary>
/// <param name="Jobs">Jobs re-indexed from their state.</param>
/// <param name="Nodes">Nodes re-indexed.</param>
/// <param name="Providers">Storage providers re-indexed.</param>
/// <param name="Schedules">Schedules re-indexed.</param>
public sealed record IndexRebuildResult(int Jobs, int Nodes, int Providers, int Schedules);

/// <summary>What <c>GET /api/v1/system</c> answers.</summary>
/// <param name="Version">backupd version.</param>
/// <param name="ClusterId">Orleans cluster id.</param>
/// <param name="ServiceId">Orleans service id.</param>
/// <param name="NodeApiUrl">Where nodes connect, with the certificate the master issued them.</param>
/// <param name="NodeCaFingerprint">SHA-256 of the node CA's certificate, which a node shows when it is approved.</param>
/// <param name="Now">The master's clock.</param>
public sealed record SystemInfo(string Version, string ClusterId, string ServiceId, string NodeApiUrl, string NodeCaFingerprint, DateTimeOffset Now);

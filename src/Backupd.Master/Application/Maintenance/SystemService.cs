using System.Reflection;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Backupd.Master.Persistence;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Application.Maintenance;

/// <summary>What this master is, and the index it can always make again from the grains.</summary>
public sealed class SystemService(
    IOptions<MasterOptions> options, NodeApiAddress nodeApi, NodeCertificateAuthority authority, TimeProvider time,
    SqliteIndexVersions versions, IGrainFactory grains)
{
    /// <summary>Version, cluster identity, where nodes connect and the node CA's fingerprint.</summary>
    public SystemInfo Info()
    {
        var settings = options.Value;
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new SystemInfo(version, settings.ClusterId, settings.ServiceId, nodeApi.Url, authority.Fingerprint, time.GetUtcNow());
    }

    /// <summary>
    /// Rewrites every row of the index tables from the grains' own state: the grains are the
    /// truth, the index (lists, filters, counts) is derived from it.
    /// </summary>
    public async Task<IndexRebuildResult> RebuildIndexAsync(CancellationToken cancellationToken)
    {
        var counts = await IndexReconciler.RebuildAsync(versions, grains, cancellationToken);
        return new IndexRebuildResult(counts["jobs"], counts["nodes"], counts["providers"], counts["schedules"]);
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

using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Grains.Nodes;
using Backupd.Grains.Storage;
using Backupd.Modules;

namespace Backupd.Master.Application.Jobs;

/// <summary>The checks a job and a schedule share: the work (module, config, priority) and where it runs and goes (node, provider).</summary>
public sealed class WorkChecks(IGrainFactory grains, ModuleRegistry modules)
{
    /// <summary>
    /// The module must exist, its config must pass the module's schema and the priority must be
    /// in range. Returns the module when it exists.
    /// </summary>
    public BackupModule? CheckWork(string? moduleName, JsonElement? config, int? priority, List<FieldError> errors)
    {
        var module = moduleName is null ? null : modules.Find(moduleName);
        if (string.IsNullOrWhiteSpace(moduleName))
        {
            errors.Add(new("module", $"is required (one of: {Requestable})"));
        }
        else if (module is null)
        {
            errors.Add(new("module", $"'{moduleName}' is not a module (known: {Requestable})"));
        }
        else if (module.MasterOnly)
        {
            errors.Add(new("module", $"'{moduleName}' is the master's own (retention makes these jobs); ask for one of: {Requestable}"));
            module = null;
        }

        if (priority is < JobSpec.MinPriority or > JobSpec.MaxPriority)
        {
            errors.Add(new("priority", $"must be from {JobSpec.MinPriority} to {JobSpec.MaxPriority}"));
        }

        if (module is not null)
        {
            if (config is not { ValueKind: JsonValueKind.Object } value)
            {
                errors.Add(new("config", $"is required: a JSON object (GET /api/v1/modules shows the {module.Name} schema)"));
            }
            else
            {
                errors.AddRange(module.ValidateConfig(value).Select(e => new FieldError(e.Field.Length == 0 ? "config" : $"config.{e.Field}", e.Message)));
            }
        }

        return module;
    }

    private string Requestable => string.Join(", ", modules.Requestable.Select(m => m.Name));

    /// <summary>The node must be active and the provider must exist.</summary>
    public async Task CheckTargetsAsync(string? nodeId, string? providerId, List<FieldError> errors)
    {
        await CheckNodeAsync(nodeId, "nodeId", errors);

        if (string.IsNullOrWhiteSpace(providerId))
        {
            errors.Add(new("providerId", "is required (GET /api/v1/providers lists the providers)"));
        }
        else if (await grains.GetGrain<IStorageProviderGrain>(providerId).GetAsync() is null)
        {
            errors.Add(new("providerId", $"no provider has the id '{providerId}' (GET /api/v1/providers lists the providers)"));
        }
    }

    /// <summary>The node, named by <paramref name="field"/>, must be active.</summary>
    public async Task CheckNodeAsync(string? nodeId, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(nodeId))
        {
            errors.Add(new(field, "is required (GET /api/v1/nodes lists the nodes)"));
        }
        else if (await grains.GetGrain<INodeGrain>(nodeId).GetSummaryAsync() is not { } node)
        {
            errors.Add(new(field, $"no node has the id '{nodeId}' (GET /api/v1/nodes lists the nodes)"));
        }
        else if (node.Status != NodeStatus.Active)
        {
            errors.Add(new(field, $"node '{nodeId}' is {node.Status.ToString().ToLowerInvariant()}, not active"));
        }
    }

    /// <summary>
    /// A node other than the one that backed up reads the bundle from the provider: a local
    /// folder is on the backing-up node alone, so its bundles can be read nowhere else.
    /// </summary>
    public async Task CheckBundleReachableAsync(string backupNodeId, string? providerId, string? nodeId, string field, List<FieldError> errors)
    {
        if (nodeId is not null && providerId is not null && !await BundleReach.CanReadAsync(grains, providerId, backupNodeId, nodeId))
        {
            errors.Add(new(field, $"provider '{providerId}' is a local folder on node '{backupNodeId}', which alone holds its bundles: use that node, or a provider in S3"));
        }
    }
}

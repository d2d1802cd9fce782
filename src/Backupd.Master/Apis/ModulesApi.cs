using System.Text.Json.Nodes;
using Backupd.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/modules</c>: what can be backed up, and how each module is configured.</summary>
public static class ModulesApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/modules", List).WithTags("modules")
            .WithName("ListModules").WithSummary("Modules with their stages, required tools and JSON config schema");
        return endpoints;
    }

    private static Ok<ModuleInfo[]> List(ModuleRegistry modules) =>
        TypedResults.Ok(modules.All.Select(m => new ModuleInfo(m.Name, m.Description,
            [.. m.Stages.Select(s => new ModuleStageInfo(s.Name, s.Description))], m.RequiredTools, m.ConfigSchema, m.MasterOnly)).ToArray());
}

/// <summary>A module as <c>GET /api/v1/modules</c> shows it.</summary>
/// <param name="Name">Its name, as a job or schedule names it.</param>
/// <param name="Description">What it does.</param>
/// <param name="Stages">Its stages, in order.</param>
/// <param name="RequiredTools">Programs a node needs for it.</param>
/// <param name="ConfigSchema">The JSON Schema of its config.</param>
/// <param name="MasterOnly">Only the master makes jobs of it (retention); a job or schedule may not ask for it.</param>
public sealed record ModuleInfo(string Name, string Description, IReadOnlyList<ModuleStageInfo> Stages, IReadOnlyList<string> RequiredTools, JsonObject ConfigSchema, bool MasterOnly);

/// <summary>A stage of a module.</summary>
public sealed record ModuleStageInfo(string Name, string Description);

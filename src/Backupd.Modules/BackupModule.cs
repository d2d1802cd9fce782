using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backupd.Modules;

/// <summary>
/// A kind of backup (WordPress, later MySQL, folders…). The master uses a module's name and
/// config schema to validate jobs; the node uses it to run them, stage by stage.
/// </summary>
public abstract class BackupModule
{
    /// <summary>The name jobs use, e.g. <c>wordpress</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line on what it backs up.</summary>
    public abstract string Description { get; }

    /// <summary>Its stages, in the order they run.</summary>
    public abstract IReadOnlyList<StageDefinition> Stages { get; }

    /// <summary>The JSON Schema of its config.</summary>
    public abstract JsonObject ConfigSchema { get; }

    /// <summary>Programs the node needs on PATH for this module, e.g. <c>mysqldump</c>.</summary>
    public virtual IReadOnlyList<string> RequiredTools => [];

    /// <summary>
    /// Whether only the master makes jobs of this module (retention's deletions): an admin's
    /// job or schedule may not ask for it, since its config names bundles to delete.
    /// </summary>
    public virtual bool MasterOnly => false;

    /// <summary>Everything wrong with a config; empty when it is valid.</summary>
    public abstract IReadOnlyList<ConfigError> ValidateConfig(JsonElement config);

    /// <summary>Starts a run with a config that passed <see cref="ValidateConfig"/>.</summary>
    /// <exception cref="ModuleConfigException">The config is not valid.</exception>
    public abstract ModuleRun CreateRun(JsonElement config);
}

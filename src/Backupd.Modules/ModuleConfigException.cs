namespace Backupd.Modules;

/// <summary>A module config failed validation; <see cref="Errors"/> names every field at fault.</summary>
public sealed class ModuleConfigException : Exception
{
    public ModuleConfigException(string module, IReadOnlyList<ConfigError> errors)
        : base($"The {module} config is not valid: {string.Join("; ", errors)}")
    {
        Module = module;
        Errors = errors;
    }

    /// <summary>The module whose config it was.</summary>
    public string Module { get; }

    /// <summary>What is wrong, field by field.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}

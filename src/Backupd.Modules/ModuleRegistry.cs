namespace Backupd.Modules;

/// <summary>The modules this build knows, by name. Modules join it through <c>AddBackupModule&lt;T&gt;()</c>.</summary>
public sealed class ModuleRegistry
{
    private readonly Dictionary<string, BackupModule> _modules;

    public ModuleRegistry(IEnumerable<BackupModule> modules)
    {
        _modules = new Dictionary<string, BackupModule>(StringComparer.Ordinal);
        foreach (var module in modules)
        {
            if (!_modules.TryAdd(module.Name, module))
            {
                throw new InvalidOperationException($"Two modules are registered as '{module.Name}'.");
            }
        }
    }

    /// <summary>All modules, by name.</summary>
    public IReadOnlyList<BackupModule> All => [.. _modules.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>The modules an admin's job or schedule may ask for.</summary>
    public IReadOnlyList<BackupModule> Requestable => [.. All.Where(m => !m.MasterOnly)];

    /// <summary>The module with this name, or null.</summary>
    public BackupModule? Find(string name) => _modules.GetValueOrDefault(name);

    /// <summary>The module with this name.</summary>
    /// <exception cref="UnknownModuleException">No module has that name.</exception>
    public BackupModule Get(string name) => Find(name) ?? throw new UnknownModuleException(name, _modules.Keys);
}

/// <summary>A job named a module this build does not have.</summary>
public sealed class UnknownModuleException(string name, IEnumerable<string> known)
    : Exception($"There is no module named '{name}'. Known modules: {string.Join(", ", known.Order(StringComparer.Ordinal))}.")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;
}

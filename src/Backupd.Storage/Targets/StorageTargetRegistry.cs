using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;

namespace Backupd.Storage.Targets;

/// <summary>The storage types this build knows, by name: the one place a provider's type is looked up.</summary>
public sealed class StorageTargetRegistry
{
    private readonly Dictionary<string, IStorageTargetType> _types;

    /// <summary>The registry of <paramref name="types"/>.</summary>
    public StorageTargetRegistry(IEnumerable<IStorageTargetType> types)
    {
        _types = types.ToDictionary(type => type.Name, StringComparer.Ordinal);
    }

    /// <summary>The type names, for messages.</summary>
    public IReadOnlyList<string> Names => [.. _types.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The type named <paramref name="name"/>, if this build knows it.</summary>
    public IStorageTargetType? Find(string? name) => name is not null && _types.TryGetValue(name, out var type) ? type : null;

    /// <summary>Every field at fault in a provider's settings; empty when they can be stored.</summary>
    public List<StorageFieldError> Validate(StorageTargetFields fields, StorageValidationRules rules)
    {
        var errors = new List<StorageFieldError>();
        if (Find(fields.Type) is { } type)
        {
            type.Validate(fields, rules, errors);
        }
        else
        {
            errors.Add(new("type", $"must be one of: {string.Join(", ", Names)}"));
        }

        if (fields.NormalizedPrefix.Split('/').Any(segment => segment is ".." or "."))
        {
            errors.Add(new("prefix", "must not contain '.' or '..' segments"));
        }

        return errors;
    }

    /// <summary>The stored definition of fields <see cref="Validate"/> accepted.</summary>
    public StorageProviderDefinition ToDefinition(string name, StorageTargetFields fields) => Get(fields.Type!).ToDefinition(name, fields);

    /// <summary>The typed target of a provider's released settings.</summary>
    /// <exception cref="NotSupportedException">This build does not know the provider's type.</exception>
    public StorageTarget ToTarget(StorageTargetSettings settings) => Get(settings.Type).ToTarget(settings);

    /// <summary>Opens the storage of a provider's released settings; dispose it when it is <see cref="IDisposable"/>.</summary>
    /// <exception cref="NotSupportedException">This build does not know the provider's type.</exception>
    public IBundleStorage Open(StorageTargetSettings settings, StorageOpenOptions options)
    {
        var type = Get(settings.Type);
        return type.Open(type.ToTarget(settings), options);
    }

    private IStorageTargetType Get(string type) =>
        Find(type) ?? throw new NotSupportedException($"This build of backupd cannot use storage of type '{type}' (it knows {string.Join(", ", Names)}); upgrade it.");
}

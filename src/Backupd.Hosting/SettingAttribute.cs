namespace Backupd.Hosting;

/// <summary>
/// Marks an options property as a backupd setting. <see cref="Name"/> is the suffix of the
/// environment variable (<c>BACKUPD_MAX_IO</c> for <c>MAX_IO</c>) and, lower-cased, the key
/// in the JSON config file (<c>max_io</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string name) : Attribute
{
    /// <summary>The setting's name without the <c>BACKUPD_</c> prefix, e.g. <c>MAX_IO</c>.</summary>
    public string Name { get; } = name;

    /// <summary>A secret setting's value never appears in an error message.</summary>
    public bool Secret { get; init; }

    /// <summary>The environment variable that carries this setting.</summary>
    public string EnvironmentVariable => SettingNames.EnvironmentPrefix + Name;

    /// <summary>The key of this setting in the JSON config file.</summary>
    public string ConfigFileKey => Name.ToLowerInvariant();

    /// <summary>How an error message refers to this setting.</summary>
    public string Describe() => $"{EnvironmentVariable} (\"{ConfigFileKey}\" in the config file)";
}

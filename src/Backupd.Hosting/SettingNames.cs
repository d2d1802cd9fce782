namespace Backupd.Hosting;

/// <summary>Names shared by every mode's settings.</summary>
public static class SettingNames
{
    /// <summary>Every environment variable backupd reads starts with this.</summary>
    public const string EnvironmentPrefix = "BACKUPD_";

    /// <summary>The setting that selects the mode.</summary>
    public const string Mode = "MODE";

    /// <summary>The setting that names the config file.</summary>
    public const string Config = "CONFIG";

    /// <summary>The config file read when neither <c>--config</c> nor <c>BACKUPD_CONFIG</c> names one.</summary>
    public const string DefaultConfigFile = "/etc/backupd/backupd.json";
}

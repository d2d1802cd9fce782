namespace Backupd.Hosting;

/// <summary>The default data dir of either mode.</summary>
public static class DataDirectories
{
    /// <summary>
    /// <c>/var/lib/backupd</c> when running as root (a service), otherwise
    /// <c>$XDG_DATA_HOME/backupd</c> or <c>~/.local/share/backupd</c>, so a developer's checkout
    /// runs without root.
    /// </summary>
    public static string Default()
    {
        if (Environment.UserName == "root")
        {
            return "/var/lib/backupd";
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var baseDir = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(baseDir, "backupd");
    }

    /// <summary>Creates the data dir (mode 0700) or says which setting to fix.</summary>
    /// <returns>The directory's full path.</returns>
    public static string Create(string dataDir)
    {
        try
        {
            return Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingsException([$"BACKUPD_DATA_DIR (\"data_dir\" in the config file) is '{dataDir}', which cannot be created: {ex.Message}"]);
        }
    }
}

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
}

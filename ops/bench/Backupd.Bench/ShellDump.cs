using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>The shell way's dump, as an admin would type it: the baseline every bench compares against.</summary>
internal static class ShellDump
{
    /// <summary>Writes a 0600 option file holding the site's password, as the node does, and returns its path.</summary>
    public static async Task<string> WriteOptionFileAsync(string directory, WordPressSite site)
    {
        var optionFile = Path.Combine(directory, "client.cnf");
        await File.WriteAllTextAsync(optionFile, $"[client]\npassword=\"{site.DatabasePassword}\"\n");
        File.SetUnixFileMode(optionFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return optionFile;
    }

    /// <summary>The mysqldump command line (for <c>sh -c</c>) that dumps the site's database into <paramref name="outputFile"/>.</summary>
    public static string Command(string optionFile, MariaDbServer server, WordPressSite site, string outputFile) =>
        $"mysqldump --defaults-extra-file={optionFile} --single-transaction --quick --routines --triggers --hex-blob --default-character-set=utf8mb4 --no-tablespaces " +
        $"-h {MariaDbServer.Host} -P {server.Port} -u {site.DatabaseUser} {site.DatabaseName} > {outputFile}";
}

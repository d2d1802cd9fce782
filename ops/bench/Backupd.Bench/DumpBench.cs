using System.Diagnostics;
using Backupd.Bundles;
using Backupd.Modules.WordPress;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// The database dump alone: mysqldump into a file from the shell against our dumper into nothing,
/// and into the compressed spool a job uses, with this process's CPU time for each. Shows what
/// carrying the dump through .NET costs, apart from the files.
/// </summary>
internal static class DumpBench
{
    /// <param name="hold">Before the runs, print a mysqldump command line for the database and wait for Enter, to try things by hand.</param>
    public static async Task<int> RunAsync(double databaseMiB, int runs, bool hold)
    {
        var root = Directory.CreateTempSubdirectory("backupd-dump-bench-").FullName;
        try
        {
            await using var mariaDb = new MariaDbServer();
            await mariaDb.StartAsync(CancellationToken.None);
            await using var site = await WordPressSite.CreateAsync(mariaDb, new WordPressSiteOptions { Name = "dumpbench" });
            await new SiteGenerator(1).FillDatabaseAsync(site.ConnectionString, site.TablePrefix, (long)(databaseMiB * (1 << 20)));
            var settings = new DatabaseConnectionSettings(
                new DatabaseEndpoint(MariaDbServer.Host, mariaDb.Port, null), site.DatabaseName, site.DatabaseUser, site.DatabasePassword, "utf8mb4");
            var optionFile = await ShellDump.WriteOptionFileAsync(root, site);
            Console.WriteLine($"dump bench: about {databaseMiB:0} MiB of posts");
            if (hold)
            {
                Console.WriteLine(ShellDump.Command(optionFile, mariaDb, site, "/dev/null"));
                Console.WriteLine("Press Enter to run the bench.");
                Console.ReadLine();
            }

            for (var run = 1; run <= runs; run++)
            {
                var shell = Stopwatch.StartNew();
                (await ProcessRunner.RunAsync("sh", ["-c", ShellDump.Command(optionFile, mariaDb, site, $"{root}/shell.sql")], TimeSpan.FromMinutes(30))).EnsureSuccess("mysqldump");
                var shellTime = shell.Elapsed;
                var bytes = new FileInfo(Path.Combine(root, "shell.sql")).Length;
                File.Delete(Path.Combine(root, "shell.sql"));

                var toNothing = await MeasureAsync(() => new DatabaseDumper(root).DumpAsync(settings, Stream.Null, CancellationToken.None));
                var toSpool = await MeasureAsync(async () =>
                {
                    await using var spool = BundleSpool.Create(Path.Combine(root, "database.sql.zst"), 3);
                    await new DatabaseDumper(root).DumpAsync(settings, spool, CancellationToken.None);
                    await spool.CompleteAsync(CancellationToken.None);
                });
                Console.WriteLine($"run {run}: {bytes / 1e6:0} MB; shell > file {shellTime.TotalSeconds:0.00} s; " +
                    $"ours > nothing {toNothing.Wall.TotalSeconds:0.00} s (CPU user sys {toNothing.User.TotalSeconds:0.00} {toNothing.System.TotalSeconds:0.00}); " +
                    $"ours > spool {toSpool.Wall.TotalSeconds:0.00} s (CPU user sys {toSpool.User.TotalSeconds:0.00} {toSpool.System.TotalSeconds:0.00})");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(TimeSpan Wall, TimeSpan User, TimeSpan System)> MeasureAsync(Func<Task> dump)
    {
        var self = Process.GetCurrentProcess();
        var (user, system) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
        var wall = Stopwatch.StartNew();
        await dump();
        var elapsed = wall.Elapsed;
        self.Refresh();
        return (elapsed, self.UserProcessorTime - user, self.PrivilegedProcessorTime - system);
    }
}

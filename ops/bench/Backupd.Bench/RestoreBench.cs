using System.Diagnostics;
using System.Globalization;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress;
using Backupd.Modules.WordPress.Restore;
using Backupd.Node.Tuning;
using Backupd.Storage;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// A WordPress restore in place, as a node runs it (download from a local folder, every member
/// checked, files and tables staged, swapped in, PHP loading the site), against the shell way an
/// admin would type (<c>zstd -d | tar -x</c> and <c>mysql &lt; database.sql</c>), which checks
/// nothing; alternating runs on the same bundle of one generated site.
/// </summary>
internal static class RestoreBench
{
    public static async Task<int> RunAsync(double scale, double databaseMiB, int runs)
    {
        var root = Directory.CreateTempSubdirectory("backupd-restore-bench-").FullName;
        await using var mariaDb = new MariaDbServer();
        await mariaDb.StartAsync(CancellationToken.None);
        await using var site = await WordPressSite.CreateAsync(mariaDb, new WordPressSiteOptions { Name = "restorebench" });
        var generator = new SiteGenerator(scale);
        generator.WriteContent(Path.Combine(site.RootPath, "wp-content"));
        await generator.FillDatabaseAsync(site.ConnectionString, site.TablePrefix, (long)(databaseMiB * (1 << 20)));

        // One backup, as a node makes it: the bundle every run restores.
        var store = Directory.CreateDirectory(Path.Combine(root, "store")).FullName;
        var storage = new LocalFolderStorage(store, "");
        StoredBundleInfo bundle;
        await using (var backup = await BenchStages.RunAsync(new WordPressModule(), new { path = site.RootPath }, "bench-backup", Directory.CreateDirectory(Path.Combine(root, "backup-work")).FullName, storage, new StageTimings(5)))
        {
            bundle = backup.Result!;
        }

        var bundlePath = Path.Combine(store, bundle.Key);
        Console.WriteLine($"restore bench: {generator.FileCount} files ({generator.FilesBytes >> 20} MiB), database about {databaseMiB:0} MiB, bundle {bundle.Size >> 20} MiB, in {root}");
        var optionFile = await ShellDump.WriteOptionFileAsync(root, site);
        var (shellTimes, ourTimes, peaks, ourCpu) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<long>(), new List<TimeSpan>());
        var shellParts = new List<(TimeSpan Extract, TimeSpan Import)>();
        var discards = new List<TimeSpan>();
        StageTimings? lastTimings = null;
        var module = new WordPressRestoreModule();
        for (var run = 1; run <= runs; run++)
        {
            // Alternating, so a slow spell on a shared machine hits both ways alike.
            var shellDir = Path.Combine(root, $"shell-{run}");
            var shell = Stopwatch.StartNew();
            (await ProcessRunner.RunAsync("sh", ["-c", $"mkdir {shellDir} && zstd -d -q < {bundlePath} | tar -x -C {shellDir}"], TimeSpan.FromMinutes(30)))
                .EnsureSuccess("zstd -d | tar -x");
            var extracted = shell.Elapsed;
            (await ProcessRunner.RunAsync("sh", ["-c",
                $"mariadb --defaults-extra-file={optionFile} -h {MariaDbServer.Host} -P {mariaDb.Port} -u {site.DatabaseUser} {site.DatabaseName} < {shellDir}/database.sql"],
                TimeSpan.FromMinutes(30))).EnsureSuccess("mysql < database.sql");
            shellTimes.Add(shell.Elapsed);
            shellParts.Add((extracted, shell.Elapsed - extracted));
            Directory.Delete(shellDir, recursive: true);
            await SettleAsync();

            // As an admin's restore runs by default: what it replaces is kept (renamed aside), and
            // removed later by a discard job, timed apart below, as the shell way's old tree is
            // removed outside its timing.
            var config = new WordPressRestoreConfig(new BundleSource("bench-backup", bundle.Key, bundle.Size, bundle.Sha256Hex), site.RootPath,
                [WordPressRestoreConfig.DatabasePart, WordPressRestoreConfig.FilesPart]);
            var timings = new StageTimings(module.Stages.Count);
            IdleMemory.Release();
            PeakMemory.Reset();
            // The node process's own CPU (the mysql client and the server are other processes): what
            // the restore costs a host beside its sites, the kernel's work on its files included.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var ours = Stopwatch.StartNew();
            await using (await BenchStages.RunAsync(module, config, $"bench-restore-{run}", Directory.CreateDirectory(Path.Combine(root, "data", "work", $"restore-{run}")).FullName, storage, timings))
            {
            }

            ourTimes.Add(ours.Elapsed);
            ourCpu.Add(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
            peaks.Add(PeakMemory.ReadPeakBytes());
            lastTimings = timings;
            var discard = Stopwatch.StartNew();
            await using (await BenchStages.RunAsync(module, config with { DiscardKeptOf = $"bench-restore-{run}" }, $"bench-discard-{run}",
                Directory.CreateDirectory(Path.Combine(root, "data", "work", $"discard-{run}")).FullName, storage, new StageTimings(module.Stages.Count)))
            {
            }

            discards.Add(discard.Elapsed);
            await SettleAsync();
            Console.WriteLine($"run {run}: backupd {ourTimes[^1].TotalSeconds:0.0} s (node CPU {ourCpu[^1].TotalSeconds:0.0} s; files {timings.Of(module, WordPressRestoreModule.StageNames.StageFiles).TotalSeconds:0.0} "
                + $"and database {timings.Of(module, WordPressRestoreModule.StageNames.StageDatabase).TotalSeconds:0.0} at once), shell {shellTimes[^1].TotalSeconds:0.0} s (extract {shellParts[^1].Extract.TotalSeconds:0.0} + import {shellParts[^1].Import.TotalSeconds:0.0}), peak RSS {peaks[^1] >> 20} MiB; then its discard of the kept copy {discards[^1].TotalSeconds:0.0} s");
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs: backupd {Median(ourTimes).TotalSeconds:0.0} s (node CPU {Median(ourCpu).TotalSeconds:0.0} s), shell {Median(shellTimes).TotalSeconds:0.0} s; the discard of backupd's kept copy after it {Median(discards).TotalSeconds:0.0} s; peak RSS (max) {peaks.Max() >> 20} MiB");
        Console.WriteLine("backupd's stages, last run:");
        foreach (var stage in module.Stages)
        {
            Console.WriteLine($"  {stage.Name,-16}{lastTimings!.Of(module, stage.Name).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture),8} s");
        }

        Directory.Delete(root, recursive: true);
        return 0;
    }

    // Each way ends by removing 31 000 files (the shell's extraction, the restore's kept copy by its
    // discard, both after their timing). On ext4 without a journal (this machine's root file system) the inode
    // allocator steps over inodes freed less than vm.dirty_expire_centisecs ago (30 s by default,
    // `recently_deleted` in perf), so whichever way ran right after the other's removal paid for
    // it: the first shell run, after no removal, took 17 s where the restore after it took 26.
    // Waiting that long after each removal starts every run on the same footing.
    private static async Task SettleAsync()
    {
        (await ProcessRunner.RunAsync("sync", [], TimeSpan.FromMinutes(5))).EnsureSuccess("sync");
        var expire = int.TryParse(File.ReadAllText("/proc/sys/vm/dirty_expire_centisecs").Trim(), CultureInfo.InvariantCulture, out var centiseconds) ? centiseconds : 3000;
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(expire / 100.0, 120) + 2));
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}

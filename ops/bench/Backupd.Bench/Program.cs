using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backupd.Bench;
using Backupd.Bundles;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.WordPress;
using Backupd.Node.Tuning;
using Backupd.Storage;
using Backupd.TestBed;

// Usage: dotnet run -c Release --project ops/bench/Backupd.Bench -- [--scale 1.0] [--db-mib 300]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- s3 [--mib 512]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- master [--jobs 100000] [--lifecycles 10000] [--nodes 1000] [--dashboards 20] (0: no browser)
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- bundle [--scale 0.5] [--runs 5]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- dump [--db-mib 300] [--runs 3] [--hold]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- restore [--scale 1.0] [--db-mib 300] [--runs 5]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- first-job --ready-to-run DIR --jit DIR [--runs 3]   (ops/bench/first-job.sh)
// As the node does at start, so the figures (peak RSS above all) are a node's.
MallocTuning.ApplyNodeDefaults();
if (args.FirstOrDefault() == "master")
{
    return await MasterBench.RunAsync((int)Option("--jobs", 100_000), (int)Option("--lifecycles", 10_000), (int)Option("--nodes", 1_000), (int)Option("--dashboards", 20));
}

if (args.FirstOrDefault() == "s3")
{
    return await S3UploadBench.RunAsync(Option("--mib", 512));
}

if (args.FirstOrDefault() == "dump")
{
    return await DumpBench.RunAsync(Option("--db-mib", 300), (int)Option("--runs", 3), args.Contains("--hold"));
}

if (args.FirstOrDefault() == "restore")
{
    var restoreScale = Option("--scale", 1.0);
    return await RestoreBench.RunAsync(restoreScale, Option("--db-mib", 300.0 * Math.Max(restoreScale, 0.1)), (int)Option("--runs", 5));
}

if (args.FirstOrDefault() == "first-job")
{
    return await FirstJobBench.RunAsync(OptionText("--ready-to-run"), OptionText("--jit"), (int)Option("--runs", 3));
}

if (args.FirstOrDefault() == "bundle")
{
    return await BundleBench.RunAsync(Option("--scale", 0.5), (int)Option("--runs", 5));
}

var scale = Option("--scale", 1.0);
var databaseMiB = Option("--db-mib", 300.0 * Math.Max(scale, 0.1));
var root = Directory.CreateTempSubdirectory("backupd-bench-").FullName;
Console.WriteLine($"bench: scale {scale}, database about {databaseMiB:0} MiB, in {root}");

await using var mariaDb = new MariaDbServer();
await mariaDb.StartAsync(CancellationToken.None);
await using var site = await WordPressSite.CreateAsync(mariaDb, new WordPressSiteOptions { Name = "bench" });
var generator = new SiteGenerator(scale);
var stopwatch = Stopwatch.StartNew();
generator.WriteContent(Path.Combine(site.RootPath, "wp-content"));
await generator.FillDatabaseAsync(site.ConnectionString, site.TablePrefix, (long)(databaseMiB * (1 << 20)));
Console.WriteLine($"site built in {stopwatch.Elapsed.TotalSeconds:0} s: {generator.FileCount} generated files, {Mib(generator.FilesBytes)} MiB of them");

var runs = (int)Option("--runs", 3);
var shellRuns = new List<ShellRun>();
var ourRuns = new List<OurRun>();
for (var i = 1; i <= runs; i++)
{
    // Alternating, so a slow spell on a shared machine hits both ways alike.
    shellRuns.Add(await RunShellAsync(i));
    ourRuns.Add(await RunOursAsync(i));
    Console.WriteLine($"run {i}: job {ourRuns[^1].Job.TotalSeconds:0.0} s (shell {shellRuns[^1].Job.TotalSeconds:0.0} s), " +
        $"bundle alone {shellRuns[^1].OurBundleAlone.TotalSeconds:0.0} s (shell {shellRuns[^1].Bundle.TotalSeconds:0.0} s), " +
        $"peak RSS {Mib(ourRuns[^1].PeakRss)} MiB (GC heap committed {Mib(GC.GetGCMemoryInfo().TotalCommittedBytes)} MiB)");
}

var inputBytes = shellRuns[0].InputBytes;
var shell = shellRuns.OrderBy(r => r.Job).ElementAt(runs / 2);
var ours = ourRuns.OrderBy(r => r.Job).ElementAt(runs / 2);
var ourBundle = shellRuns.Select(r => r.OurBundleAlone).Order().ElementAt(runs / 2);
var ourBundleInJob = ourRuns.Select(r => r.Bundle).Order().ElementAt(runs / 2);
var shellBundle = shellRuns.Select(r => r.Bundle).Order().ElementAt(runs / 2);

Console.WriteLine();
Console.WriteLine($"input: {Mib(inputBytes)} MiB (dump + wp-content); medians of {runs} runs");
Console.WriteLine($"{"",-40}{"backupd",12}{"shell",12}");
Console.WriteLine($"{"job (dump + bundle), s",-40}{ours.Job.TotalSeconds,12:0.0}{shell.Job.TotalSeconds,12:0.0}");
Console.WriteLine($"{"  dump, s",-40}{ours.Dump.TotalSeconds,12:0.0}{shell.Dump.TotalSeconds,12:0.0}");
Console.WriteLine($"{"  bundle stages (alongside the dump), s",-40}{ourBundleInJob.TotalSeconds,12:0.0}{"-",12}");
Console.WriteLine($"{"bundle alone (tar + zstd), s",-40}{ourBundle.TotalSeconds,12:0.0}{shellBundle.TotalSeconds,12:0.0}");
Console.WriteLine($"{"bundle alone, MB/s",-40}{inputBytes / 1e6 / ourBundle.TotalSeconds,12:0}{inputBytes / 1e6 / shellBundle.TotalSeconds,12:0}");
Console.WriteLine($"{"bundle size, MiB",-40}{Mib(ours.BundleBytes),12}{Mib(shell.BundleBytes),12}");
Console.WriteLine($"{"compression ratio",-40}{(double)ours.BundleBytes / inputBytes,12:0.000}{(double)shell.BundleBytes / inputBytes,12:0.000}");
Console.WriteLine($"{"upload to local folder + verify, s",-40}{ours.Upload.TotalSeconds,12:0.0}{"-",12}");
Console.WriteLine($"{"peak RSS during the job (max), MiB",-40}{Mib(ourRuns.Max(r => r.PeakRss)),12}{"-",12}");

Directory.Delete(root, recursive: true);
return 0;

string OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"{name} is required");
}

double Option(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

// The shell way: mysqldump to a file, then tar | zstd -3 -T0 over the dump and wp-content.
async Task<ShellRun> RunShellAsync(int run)
{
    var shellDir = Directory.CreateDirectory(Path.Combine(root, $"shell-{run}")).FullName;
    var optionFile = await ShellDump.WriteOptionFileAsync(shellDir, site);
    var dump = await TimeAsync("sh", "-c", ShellDump.Command(optionFile, mariaDb, site, $"{shellDir}/database.sql"));
    var bundle = await TimeAsync("sh", "-c",
        $"tar -cf - -C {shellDir} database.sql -C {site.RootPath} wp-content | zstd -3 -T0 -q -o {shellDir}/bundle.tar.zst");
    var input = new FileInfo(Path.Combine(shellDir, "database.sql")).Length + DirectoryBytes(Path.Combine(site.RootPath, "wp-content"));
    var bundleBytes = new FileInfo(Path.Combine(shellDir, "bundle.tar.zst")).Length;
    // Freed first, so that our output goes into page-cache memory just released, as the shell's
    // did (the previous run's files): on this VM memory touched for the first time in a while is
    // slow to write, which otherwise lands on one side only.
    File.Delete(Path.Combine(shellDir, "bundle.tar.zst"));

    // The bundle writer alone on the same input as tar | zstd (hashing every file, as the job does).
    var timer = Stopwatch.StartNew();
    await using (var output = BundleWriter.CreateFile(Path.Combine(shellDir, "ours.tar.zst")))
    await using (var writer = new BundleWriter(output, new BundleWriterOptions { Workers = Environment.ProcessorCount }))
    {
        await writer.AddFileAsync(Path.Combine(shellDir, "database.sql"), "database.sql", CancellationToken.None);
        await writer.AddTreeAsync(Path.Combine(site.RootPath, "wp-content"), "wp-content", [], null, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
    }

    var bundleAlone = timer.Elapsed;
    Directory.Delete(shellDir, recursive: true);
    return new ShellRun(dump + bundle, dump, bundle, bundleAlone, input, bundleBytes);
}

// Our way: the WordPress module's stages as a node runs them (the node's own stage runner and
// default limits), into a local folder. The upload is timed apart: the shell way stores nothing.
async Task<OurRun> RunOursAsync(int run)
{
    var workDir = Directory.CreateDirectory(Path.Combine(root, $"work-{run}")).FullName;
    var storeDir = Directory.CreateDirectory(Path.Combine(root, $"store-{run}")).FullName;
    // As a node does when its last job ends, so each job starts from what a node would hold.
    IdleMemory.Release();
    PeakMemory.Reset();
    var module = new WordPressModule();
    var storage = new LocalFolderStorage(storeDir, "");
    var timings = new StageTimings(module.Stages.Count);
    await using var moduleRun = await BenchStages.RunAsync(module, new { path = site.RootPath }, $"bench-{run}", workDir, storage, timings);
    var peakRss = PeakMemory.ReadPeakBytes();
    var upload = timings.Of(module, WordPressModule.StageNames.UploadRemote);
    Directory.Delete(workDir, recursive: true);
    Directory.Delete(storeDir, recursive: true);
    // Both ways leave the bundle on local disk; the job time here stops where the upload starts.
    return new OurRun(
        timings.Span(module, WordPressModule.StageNames.BackupDatabase, WordPressModule.StageNames.CreateBundle),
        timings.Of(module, WordPressModule.StageNames.BackupDatabase),
        timings.Span(module, WordPressModule.StageNames.BackupFiles, WordPressModule.StageNames.CreateBundle),
        upload, moduleRun.Result!.Size, peakRss);
}

static async Task<TimeSpan> TimeAsync(string program, params string[] arguments)
{
    var timer = Stopwatch.StartNew();
    (await ProcessRunner.RunAsync(program, arguments, TimeSpan.FromMinutes(30))).EnsureSuccess(string.Join(' ', arguments));
    return timer.Elapsed;
}

static long DirectoryBytes(string path) =>
    new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length);

static string Mib(long bytes) => (bytes / (double)(1 << 20)).ToString("0", CultureInfo.InvariantCulture);

internal sealed record ShellRun(TimeSpan Job, TimeSpan Dump, TimeSpan Bundle, TimeSpan OurBundleAlone, long InputBytes, long BundleBytes);

internal sealed record OurRun(TimeSpan Job, TimeSpan Dump, TimeSpan Bundle, TimeSpan Upload, long BundleBytes, long PeakRss);

/// <summary>When each stage started and ended; stages may overlap, so spans are measured between them.</summary>
internal sealed class StageTimings(int count) : IStageObserver
{
    private readonly long[] _started = new long[count];
    private readonly long[] _ended = new long[count];

    public void Started(int index) => _started[index] = Stopwatch.GetTimestamp();

    public void Ended(int index, StageOutcome outcome, string? message) => _ended[index] = Stopwatch.GetTimestamp();

    public void Faulted(int index, Exception exception) => Console.WriteLine($"  stage {index} failed: {exception}");

    public TimeSpan Of(BackupModule module, string stage) => Span(module, stage, stage);

    /// <summary>From the start of <paramref name="first"/> to the end of <paramref name="last"/>.</summary>
    public TimeSpan Span(BackupModule module, string first, string last) =>
        Stopwatch.GetElapsedTime(_started[IndexOf(module, first)], _ended[IndexOf(module, last)]);

    private static int IndexOf(BackupModule module, string stage) => module.Stages.ToList().FindIndex(s => s.Name == stage);
}

internal sealed class QuietReporter : IStageReporter
{
    public void Progress(long bytesDone, long? bytesTotal = null, string? message = null)
    {
    }

    public void Info(string message) => Console.WriteLine($"  {message}");

    public void Warning(string message) => Console.WriteLine($"  warning: {message}");
}

internal static class PeakMemory
{
    // Writing 5 to clear_refs resets the kernel's high-water mark, so VmHWM covers the job alone.
    public static void Reset() => File.WriteAllText("/proc/self/clear_refs", "5");

    public static long ReadPeakBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backupd.Bench;
using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.WordPress;
using Backupd.Storage;
using Backupd.TestBed;

// Usage: dotnet run -c Release --project ops/bench/Backupd.Bench -- [--scale 1.0] [--db-mib 300]
//        dotnet run -c Release --project ops/bench/Backupd.Bench -- s3 [--mib 512]
if (args.FirstOrDefault() == "s3")
{
    return await S3UploadBench.RunAsync(Option("--mib", 512));
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

// The shell way: mysqldump to a file, then tar | zstd -3 -T0 over the dump and wp-content.
var shellDir = Directory.CreateDirectory(Path.Combine(root, "shell")).FullName;
var optionFile = Path.Combine(shellDir, "client.cnf");
await File.WriteAllTextAsync(optionFile, $"[client]\npassword=\"{site.DatabasePassword}\"\n");
File.SetUnixFileMode(optionFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
var shellDump = await TimeAsync("sh", "-c",
    $"mysqldump --defaults-extra-file={optionFile} --single-transaction --quick --routines --triggers --hex-blob --default-character-set=utf8mb4 --no-tablespaces " +
    $"-h 127.0.0.1 -P {mariaDb.Port} -u {site.DatabaseUser} {site.DatabaseName} > {shellDir}/database.sql");
var shellBundle = await TimeAsync("sh", "-c",
    $"tar -cf - -C {shellDir} database.sql -C {site.RootPath} wp-content | zstd -3 -T0 -q -o {shellDir}/bundle.tar.zst");
var inputBytes = new FileInfo(Path.Combine(shellDir, "database.sql")).Length + DirectoryBytes(Path.Combine(site.RootPath, "wp-content"));
var shellBundleBytes = new FileInfo(Path.Combine(shellDir, "bundle.tar.zst")).Length;
Directory.Delete(shellDir, recursive: true);

// Our way: the WordPress module's stages, as a node runs them, into a local folder.
var workDir = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
var storeDir = Directory.CreateDirectory(Path.Combine(root, "store")).FullName;
GC.Collect();
PeakMemory.Reset();
var module = new WordPressModule();
using var resources = new ResourceManager(ResourceLimits.Default);
var storage = new LocalFolderStorage(storeDir, "");
await using var run = module.CreateRun(JsonSerializer.SerializeToElement(new { path = site.RootPath }));
var stageTimes = new Dictionary<string, TimeSpan>();
var job = Stopwatch.StartNew();
foreach (var stage in module.Stages)
{
    var timer = Stopwatch.StartNew();
    await run.RunStageAsync(stage.Name, new StageContext
    {
        JobId = "bench",
        NodeId = "bench-node",
        StageName = stage.Name,
        WorkDirectory = workDir,
        Resources = resources,
        Reporter = new QuietReporter(),
        OpenStorageAsync = _ => Task.FromResult<Backupd.Modules.Storage.IBundleStorage>(storage),
        RunStartedAt = DateTimeOffset.UtcNow,
        BackupdVersion = "bench",
        CancellationToken = CancellationToken.None,
    });
    stageTimes[stage.Name] = timer.Elapsed;
}

var ourJob = job.Elapsed;
var peakRss = PeakMemory.ReadPeakBytes();
var ourBundleBytes = run.Result!.Size;
var ourBundleTime = stageTimes["backup_files"] + stageTimes["create_bundle"];
// Both ways leave the bundle on local disk; the upload stage here is a local copy and verify, which the shell way skips.
var ourJobComparable = ourJob - stageTimes["upload_remote"];

Console.WriteLine();
Console.WriteLine($"input: {Mib(inputBytes)} MiB (dump + wp-content)");
Console.WriteLine($"{"",-34}{"backupd",12}{"shell",12}");
Console.WriteLine($"{"job (dump + bundle), s",-34}{ourJobComparable.TotalSeconds,12:0.0}{(shellDump + shellBundle).TotalSeconds,12:0.0}");
Console.WriteLine($"{"  dump, s",-34}{stageTimes["backup_db"].TotalSeconds,12:0.0}{shellDump.TotalSeconds,12:0.0}");
Console.WriteLine($"{"  bundle (tar + zstd), s",-34}{ourBundleTime.TotalSeconds,12:0.0}{shellBundle.TotalSeconds,12:0.0}");
Console.WriteLine($"{"bundle MB/s",-34}{inputBytes / 1e6 / ourBundleTime.TotalSeconds,12:0}{inputBytes / 1e6 / shellBundle.TotalSeconds,12:0}");
Console.WriteLine($"{"bundle size, MiB",-34}{Mib(ourBundleBytes),12}{Mib(shellBundleBytes),12}");
Console.WriteLine($"{"compression ratio",-34}{(double)ourBundleBytes / inputBytes,12:0.000}{(double)shellBundleBytes / inputBytes,12:0.000}");
Console.WriteLine($"{"upload to local folder + verify, s",-34}{stageTimes["upload_remote"].TotalSeconds,12:0.0}{"-",12}");
Console.WriteLine($"{"peak RSS during the job, MiB",-34}{Mib(peakRss),12}{"-",12}");

Directory.Delete(root, recursive: true);
return 0;

double Option(string name, double fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
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

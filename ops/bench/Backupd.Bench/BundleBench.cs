using System.Diagnostics;
using Backupd.Bundles;
using Backupd.TestBed;

namespace Backupd.Bench;

/// <summary>
/// The bundle writer alone against <c>tar | zstd -3 -T0</c> on a generated wp-content, with no
/// database: quick to repeat while working on the writer.
/// </summary>
internal static class BundleBench
{
    public static async Task<int> RunAsync(double scale, int runs)
    {
        var root = Directory.CreateTempSubdirectory("backupd-bundle-bench-").FullName;
        try
        {
            var content = Path.Combine(root, "wp-content");
            var generator = new SiteGenerator(scale);
            generator.WriteContent(content);
            Console.WriteLine($"bundle bench: {generator.FileCount} files, {generator.FilesBytes / (1 << 20)} MiB, in {root}");
            var output = Path.Combine(root, "out.tar.zst");
            for (var run = 1; run <= runs; run++)
            {
                var shell = Stopwatch.StartNew();
                var shellResult = await ProcessRunner.RunAsync("/usr/bin/time", ["-f", "%U %S", "sh", "-c", $"tar -cf - -C {root} wp-content | zstd -3 -T0 -q -f -o {output}"], TimeSpan.FromMinutes(30));
                shellResult.EnsureSuccess("tar | zstd");
                var shellTime = shell.Elapsed;
                File.Delete(output);

                var self = Process.GetCurrentProcess();
                var (userBefore, systemBefore) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
                PeakMemory.Reset();
                var ours = Stopwatch.StartNew();
                await using (var file = BundleWriter.CreateFile(output))
                await using (var writer = new BundleWriter(file, new BundleWriterOptions { Workers = Environment.ProcessorCount }))
                {
                    await writer.AddTreeAsync(content, "wp-content", [], null, CancellationToken.None);
                    await writer.CompleteAsync(CancellationToken.None);
                }

                var ourTime = ours.Elapsed;
                self.Refresh();
                var (ourUser, ourSystem) = (self.UserProcessorTime - userBefore, self.PrivilegedProcessorTime - systemBefore);
                File.Delete(output);
                Console.WriteLine($"run {run}: backupd {ourTime.TotalSeconds:0.00} s (CPU user sys {ourUser.TotalSeconds:0.00} {ourSystem.TotalSeconds:0.00}), tar | zstd {shellTime.TotalSeconds:0.00} s " +
                    $"[shell CPU user sys {shellResult.StandardError.Trim()}] ({generator.FilesBytes / 1e6 / ourTime.TotalSeconds:0} against {generator.FilesBytes / 1e6 / shellTime.TotalSeconds:0} MB/s), " +
                    $"RSS {Environment.WorkingSet >> 20} MiB (peak {PeakMemory.ReadPeakBytes() >> 20}), GC committed {GC.GetGCMemoryInfo().TotalCommittedBytes >> 20} MiB");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

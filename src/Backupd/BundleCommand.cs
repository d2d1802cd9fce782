using System.CommandLine;
using System.Security.Cryptography;
using Backupd.Bundles;
using Backupd.Modules.WordPress;

namespace Backupd;

/// <summary>
/// <c>backupd bundle check FILE</c>: checks a bundle copied out of storage, on any host, without a
/// master and without writing any of it: its SHA-256 against the job's record when given, its
/// frames, every entry a restore would refuse, and every member against its manifest.
/// </summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The .tar.zst bundle, e.g. downloaded from the provider." };
        var sha256 = new Option<string?>("--sha256")
        {
            Description = "The SHA-256 the job recorded for it (GET /api/v1/jobs/{id}: result.sha256); checked first.",
            HelpName = "HEX",
        };
        var check = new Command("check", "Check a bundle against its manifest (and the job's SHA-256) without extracting it. Exit code 0: it is whole; 1: it is not, and why.")
        {
            file,
            sha256,
        };
        check.SetAction((parse, cancellation) => CheckAsync(parse.GetValue(file)!, parse.GetValue(sha256), cancellation));
        return new Command("bundle", "Work with bundle files.") { check };
    }

    private static async Task<int> CheckAsync(FileInfo file, string? expectedSha256, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"backupd: there is no file {file.FullName}.");
            return 2;
        }

        if (expectedSha256 is not null && !System.Text.RegularExpressions.Regex.IsMatch(expectedSha256, "^[0-9a-fA-F]{64}$"))
        {
            await Console.Error.WriteLineAsync("backupd: --sha256 must be 64 hexadecimal digits, as the job's result.sha256 shows it.");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("backupd-bundle-check-");
        try
        {
            if (expectedSha256 is not null)
            {
                await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
                if (!actual.Equals(expectedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    await Console.Error.WriteLineAsync($"backupd: {file.Name} is not the bundle the job stored: its SHA-256 is {actual}, the job recorded {expectedSha256.ToLowerInvariant()}.");
                    return 1;
                }
            }

            var report = await WordPressBundleCheck.CheckAsync(file.FullName, work.FullName, null, cancellationToken);
            Console.WriteLine($"{file.Name} is whole: {report.Files} files ({report.FileBytes} bytes), {report.Directories} directories and {report.Links} symbolic links under wp-content, " +
                $"{(report.DatabaseBytes is { } dump ? $"a {dump}-byte database dump" : "no database dump")}, each as its manifest lists it" +
                $"{(expectedSha256 is null ? "" : ", and the SHA-256 the job recorded")}.");
            if (report.SiteUrl is not null)
            {
                Console.WriteLine($"Site: {report.SiteUrl} (table prefix {report.TablePrefix}), job {report.JobId}.");
            }

            return 0;
        }
        catch (Exception ex) when (ex is DamagedBundleException or HostileBundleEntryException or BundleManifestMismatchException)
        {
            await Console.Error.WriteLineAsync($"backupd: {file.Name} is not whole. {ex.Message}");
            return 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}

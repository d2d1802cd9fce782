using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Bundles;

namespace Backupd.Tests.Jobs;

/// <summary>
/// The site's owner attacks a root node's backups and restores. The owner is the account a
/// broken-into WordPress runs as (www-data here, a real unprivileged user doing its part through
/// setpriv): it can write the site's root and wp-content, so it can leave links there and rename
/// what a restore makes, while it runs. Whatever it does, nothing outside the site may be written,
/// moved, given to it, or read into its bundle (a restore would hand it over).
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class SiteOwnerAttackTests(JobsEndToEndFixture fixture) : IDisposable
{
    private const int Owner = 33;   // www-data on Debian
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    // Root's: what the attacks aim at. The site's owner can neither write here nor read the file.
    private readonly string _victim = Directory.CreateTempSubdirectory("backupd-victim-").FullName;

    [Fact]
    public async Task A_maintenance_file_the_site_owner_made_a_link_is_not_written_through()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the attack is on a root node: run the suite as root, as CI does");
        var (site, backupId) = await BackedUpSiteOfTheOwnerAsync("own_", files: 0);
        var dangling = Path.Combine(_victim, "created-by-the-restore");
        await AsOwnerAsync($"ln -s '{dangling}' '{site.RootPath}/.maintenance'");

        var restored = await RestoreAsync(backupId);

        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        Assert.False(File.Exists(dangling), "the restore wrote its maintenance file through the owner's link");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_victim));
        // The owner's link is not the restore's: left as it was.
        Assert.Equal(dangling, new FileInfo(Path.Combine(site.RootPath, ".maintenance")).LinkTarget);
    }

    [Fact]
    public async Task A_staging_directory_the_site_owner_swaps_for_a_link_mid_extraction_leads_no_file_outside_the_site()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the attack is on a root node: run the suite as root, as CI does");
        var (site, backupId) = await BackedUpSiteOfTheOwnerAsync("swp_", files: 3000);
        var content = Path.Combine(site.RootPath, "wp-content");
        var backedUp = TreeSnapshot.Of(content, linkMetadata: false);
        // Where the link leads: root's directories shaped like the bundle's, so that every file
        // written through the link after the swap would land (root's writes, then given to the owner).
        foreach (var directory in Directory.EnumerateDirectories(content, "*", SearchOption.AllDirectories).Prepend(content))
        {
            Directory.CreateDirectory(Path.Combine(_victim, Path.GetRelativePath(site.RootPath, directory)));
        }

        await File.WriteAllTextAsync(Path.Combine(content, "uploads", "after-the-backup.txt"), "changed since");
        var before = TreeSnapshot.Of(content, linkMetadata: false);

        // The owner watches for the staging directory to fill and trades it for a link in one step
        // (renameat2's RENAME_EXCHANGE), so no write of the restore falls into a gap in between;
        // Debian's python3, which the owner can run (install-test-deps.sh installs it).
        const string Attack = """
            import ctypes, os, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            site, victim = sys.argv[1], sys.argv[2]
            link = os.path.join(site, '.attacker-link')
            os.symlink(victim, link)
            deadline = time.time() + 120
            while time.time() < deadline:
                for entry in os.scandir(site):
                    # Once the extraction has begun in it: a directory made inside shows in its link count.
                    if entry.name.startswith('.backupd-restore-') and entry.is_dir(follow_symlinks=False) and os.lstat(entry.path).st_nlink > 2:
                        if libc.renameat2(-100, link.encode(), -100, entry.path.encode(), 2) == 0:
                            sys.exit(0)
            sys.exit(3)
            """;
        using var attacker = StartAsOwner("/usr/bin/python3", "-c", Attack, site.RootPath, _victim);
        JsonElement restored;
        try
        {
            restored = await RestoreAsync(backupId);
            Assert.True(await Task.Run(() => attacker.WaitForExit(TimeSpan.FromSeconds(30))), "the attacker kept looking");
        }
        finally
        {
            attacker.Kill(entireProcessTree: true);
        }

        Assert.True(attacker.ExitCode == 0, "the attacker never saw a staging directory to swap: the attack did not happen");

        Assert.Equal([], Directory.EnumerateFiles(_victim, "*", SearchOption.AllDirectories).ToList());
        // Either the restore went on in the directory it made (the site is the backup's), or it
        // stopped with the site as it was; never anything in between.
        var after = TreeSnapshot.Of(content, linkMetadata: false);
        if (restored.GetProperty("state").GetString() == "completed")
        {
            Assert.Equal(backedUp, after);
        }
        else
        {
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public async Task A_wp_content_the_site_owner_made_a_link_to_root_s_files_is_not_backed_up()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the attack is on a root node: run the suite as root, as CI does");
        var (site, _) = await BackedUpSiteOfTheOwnerAsync("lnk_", files: 0);
        var secret = Path.Combine(_victim, "root-only.txt");
        await File.WriteAllTextAsync(secret, "root's secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await AsOwnerAsync($"mv '{site.RootPath}/wp-content' '{site.RootPath}/wp-content.real' && ln -s '{_victim}' '{site.RootPath}/wp-content'");

        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);

        Assert.True(backup.GetProperty("state").GetString() == "failed", backup.ToString());
        Assert.Contains("followed only when the link and the directory belong to the owner", backup.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_victim, recursive: true);

    // A site given to its owner (root directory included, as a WordPress host has it), backed up
    // with `files` small uploads so that its extraction takes long enough to be raced.
    private async Task<(WordPressSite Site, string BackupId)> BackedUpSiteOfTheOwnerAsync(string prefix, int files)
    {
        var site = await fixture.WordPress.CreateSiteAsync(new WordPressSiteOptions { TablePrefix = prefix });
        var many = Directory.CreateDirectory(Path.Combine(site.RootPath, "wp-content", "uploads", "many")).FullName;
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(many, $"file-{i:D5}.txt"), $"upload {i}");
        }

        (await ProcessRunner.RunAsync("chown", ["-R", $"{Owner}:{Owner}", site.RootPath], TimeSpan.FromMinutes(1))).EnsureSuccess("giving the site to its owner");
        File.SetUnixFileMode(site.RootPath, (UnixFileMode)0x1ED);
        var backupId = await fixture.CreateJobAsync(new { path = site.RootPath });
        var backup = await fixture.WaitForJobAsync(backupId, JobsEndToEndFixture.IsFinished, JobTimeout);
        Assert.True(backup.GetProperty("state").GetString() == "completed", backup.ToString());
        return (site, backupId);
    }

    private async Task<JsonElement> RestoreAsync(string backupId)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", new { jobId = backupId, safetyBackup = false });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return await fixture.WaitForJobAsync(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, JobsEndToEndFixture.IsFinished, JobTimeout);
    }

    private static async Task AsOwnerAsync(string script) =>
        (await ProcessRunner.RunAsync("setpriv", [$"--reuid={Owner}", $"--regid={Owner}", "--clear-groups", "--", "sh", "-c", script], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("the site's owner's commands");

    private static Process StartAsOwner(params string[] command)
    {
        var start = new ProcessStartInfo("setpriv") { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={Owner}", $"--regid={Owner}", "--clear-groups", "--" }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}

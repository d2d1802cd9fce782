using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.TestBed;
using Backupd.Tests.Jobs;
using Backupd.Tests.Processes;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Packaging;

/// <summary>
/// What a host gets from <c>ops/publish.sh</c>: the Debian package and the tarball are built,
/// linted and installed into clean roots; a master and a node run from the installed files (not
/// the build tree) and back up a real WordPress site; then a newer package goes in over the node
/// in the middle of a job, and the node keeps its identity, finishes the job and runs the next
/// without a new code, reporting its new version.
/// </summary>
[Collection(WordPressCollection.Name)]
public sealed class PackageInstallTests(WordPressFixture wordPress, PackageBuilds builds) : IClassFixture<PackageBuilds>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    private const string OldVersion = PackageBuilds.OldVersion;
    private const string NewVersion = PackageBuilds.NewVersion;

    private string Dist => builds.Dist;

    private string Work => builds.Work;

    [Fact]
    public async Task The_package_lints_clean_and_installs_into_a_clean_root_with_its_user_directories_and_units()
    {
        var lint = await ProcessRunner.RunAsync("lintian", ["--tag-display-limit", "0", Deb(OldVersion)], TimeSpan.FromMinutes(3));
        // Lintian exits 0 with warnings; every tag it prints is a finding (its note about root is not a tag).
        var findings = lint.StandardOutput.Split('\n').Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, "^[EWIXP]: ")).ToList();
        Assert.True(lint.ExitCode == 0 && findings.Count == 0, $"lintian: {lint.StandardOutput}\n{lint.StandardError}");

        var root = await InstallDebAsync(NewRoot("deb"), OldVersion);
        Assert.Equal("../lib/backupd/backupd", new FileInfo(Path.Combine(root, "usr/bin/backupd")).LinkTarget);
        Assert.Equal(OldVersion, (await ProcessRunner.RunAsync(Path.Combine(root, "usr/bin/backupd"), ["--version"], TimeSpan.FromMinutes(1))).EnsureSuccess("backupd --version").StandardOutput.Trim());
        Assert.Contains("ExecStart=/usr/bin/backupd --mode node", await File.ReadAllTextAsync(Path.Combine(root, "lib/systemd/system/backupd-node.service")), StringComparison.Ordinal);
        var masterUnit = await File.ReadAllTextAsync(Path.Combine(root, "lib/systemd/system/backupd-master.service"));
        Assert.Contains("ExecStart=/usr/bin/backupd --mode master", masterUnit, StringComparison.Ordinal);
        Assert.Contains("User=backupd", masterUnit, StringComparison.Ordinal);
        AssertSetUp(root);

        // The tarball's install.sh, with the node's settings in the same command.
        var tarball = Path.Combine(Work, "tarball");
        Directory.CreateDirectory(tarball);
        (await ProcessRunner.RunAsync("tar", ["-xzf", Path.Combine(Dist, $"backupd-{OldVersion}-linux-x64.tar.gz"), "-C", tarball], TimeSpan.FromMinutes(2))).EnsureSuccess("unpacking the tarball");
        var tarRoot = NewRoot("tarball");
        var install = (await ProcessRunner.RunAsync(Path.Combine(tarball, $"backupd-{OldVersion}-linux-x64", "install.sh"), ["--root", tarRoot, "--mode", "node", "--master-url", "http://127.0.0.1:5080"], TimeSpan.FromMinutes(2)))
            .EnsureSuccess("install.sh");
        Assert.Contains($"backupd {OldVersion} is in", install.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("../lib/backupd/backupd", new FileInfo(Path.Combine(tarRoot, "usr/local/bin/backupd")).LinkTarget);
        Assert.Contains("ExecStart=/usr/local/bin/backupd --mode node", await File.ReadAllTextAsync(Path.Combine(tarRoot, "etc/systemd/system/backupd-node.service")), StringComparison.Ordinal);
        Assert.Contains("\nBACKUPD_MASTER_URL=http://127.0.0.1:5080\n", await File.ReadAllTextAsync(Path.Combine(tarRoot, "etc/default/backupd-node")), StringComparison.Ordinal);
        AssertSetUp(tarRoot);

        // Bad input is refused and changes nothing.
        var before = await File.ReadAllTextAsync(Path.Combine(tarRoot, "etc/default/backupd-node"));
        var refused = await ProcessRunner.RunAsync(Path.Combine(tarRoot, "usr/local/lib/backupd/setup"), ["--root", tarRoot, "--mode", "node", "--master-url", "ftp://x"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("is not an http:// or https:// URL; nothing was changed", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(tarRoot, "etc/default/backupd-node")));
        // A URL that would break the settings file is refused by install.sh before it copies anything.
        var installed = File.GetLastWriteTimeUtc(Path.Combine(tarRoot, "usr/local/lib/backupd/backupd"));
        var ampersand = await ProcessRunner.RunAsync(Path.Combine(tarball, $"backupd-{OldVersion}-linux-x64", "install.sh"), ["--root", tarRoot, "--mode", "node", "--master-url", "http://127.0.0.1:5080/?a=1&b=2"], TimeSpan.FromMinutes(1));
        Assert.Equal(2, ampersand.ExitCode);
        Assert.Contains("holds characters a master's URL does not need", ampersand.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(tarRoot, "etc/default/backupd-node")));
        Assert.Equal(installed, File.GetLastWriteTimeUtc(Path.Combine(tarRoot, "usr/local/lib/backupd/backupd")));
    }

    [Fact]
    public async Task A_master_and_a_node_run_from_the_installed_package_and_a_newer_package_over_a_running_job_keeps_the_node_and_the_job()
    {
        var root = await InstallDebAsync(NewRoot("upgrade"), OldVersion);
        await using var master = new MasterProcess(executable: Path.Combine(root, "usr/bin/backupd"), dataDir: Path.Combine(root, "var/lib/backupd"));
        await master.StartAsync();
        var api = new MasterApi(master.Http, await master.IssueTokenAsync());
        (await ProcessRunner.RunAsync(Path.Combine(root, "usr/sbin/backupd-setup"), ["--root", root, "--mode", "node", "--master-url", master.BaseUrl.ToString()], TimeSpan.FromMinutes(1)))
            .EnsureSuccess("backupd-setup --mode node");

        // The node as its unit starts it: the unit's environment, then /etc/default/backupd-node.
        var environment = UnitEnvironment(root);
        // Slow enough uploads that the upgrade below lands in the middle of a job.
        environment["BACKUPD_MAX_BANDWIDTH_MBPS"] = "16";
        await using var node = new NodeProcess(new Uri(NodeSetting(root, "BACKUPD_MASTER_URL")), environment, dataDir: Rooted(root, environment["BACKUPD_DATA_DIR"]))
        {
            Executable = Path.Combine(root, "usr/bin/backupd"),
        };
        var nodeId = await JobsEndToEndFixture.EnrolAsync(node, api);
        Assert.Equal(OldVersion, (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("capabilities").GetProperty("version").GetString());
        var storage = Directory.CreateDirectory(Path.Combine(Work, "storage")).FullName;
        using var provider = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", new { name = "local", type = "local", path = storage, prefix = "bundles" });
        Assert.Equal(HttpStatusCode.Created, provider.StatusCode);
        var providerId = (await provider.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var site = await wordPress.CreateSiteAsync();
        var upload = new byte[24 * 1024 * 1024];
        Random.Shared.NextBytes(upload);
        await File.WriteAllBytesAsync(Path.Combine(site.RootPath, "wp-content", "uploads", "incompressible.bin"), upload);
        Assert.Equal("completed", (await api.WaitForJobAsync(await api.CreateJobAsync(nodeId, providerId, new { path = site.RootPath }), JobsEndToEndFixture.IsFinished, JobTimeout)).GetProperty("state").GetString());

        // The upgrade, in the middle of a job: stopped as the package's prerm stops it, files replaced, started again.
        var identity = await File.ReadAllBytesAsync(node.IdentityFile);
        var settings = await File.ReadAllBytesAsync(Path.Combine(root, "etc/default/backupd-node"));
        var midway = await api.CreateJobAsync(nodeId, providerId, new { path = site.RootPath });
        await node.Process.WaitForOutputAsync($"Job {midway}: running module", TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(0, await node.StopAsync());
        // Stopped at a checkpoint with its work kept, not lost.
        Assert.Contains($"Job {midway}: interrupted; its work up to stage", node.Process.Output, StringComparison.Ordinal);
        await InstallDebAsync(root, NewVersion);
        Assert.Equal(identity, await File.ReadAllBytesAsync(node.IdentityFile));
        Assert.Equal(settings, await File.ReadAllBytesAsync(Path.Combine(root, "etc/default/backupd-node")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(node.DataDir));
        Assert.Equal(NewVersion, (await ProcessRunner.RunAsync(Path.Combine(root, "usr/bin/backupd"), ["--version"], TimeSpan.FromMinutes(1))).StandardOutput.Trim());

        node.Start();
        await node.Process.WaitForOutputAsync($"Connected to the master as node {nodeId}", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain("Registration code", node.Process.Output, StringComparison.Ordinal);
        Assert.Equal("completed", (await api.WaitForJobAsync(midway, JobsEndToEndFixture.IsFinished, JobTimeout)).GetProperty("state").GetString());
        Assert.Equal(NewVersion, (await api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("capabilities").GetProperty("version").GetString());
        Assert.Equal("completed", (await api.WaitForJobAsync(await api.CreateJobAsync(nodeId, providerId, new { path = site.RootPath }), JobsEndToEndFixture.IsFinished, JobTimeout)).GetProperty("state").GetString());
    }

    private string Deb(string version) => Path.Combine(Dist, $"backupd_{version}_amd64.deb");

    // A root with nothing but what dpkg and useradd need to work in it.
    private string NewRoot(string name)
    {
        var root = Directory.CreateDirectory(Path.Combine(Work, name)).FullName;
        foreach (var dir in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), string.Empty);
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/available"), string.Empty);
        File.WriteAllText(Path.Combine(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(root, "etc/group"), "root:x:0:\n");
        File.WriteAllText(Path.Combine(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(root, "etc/gshadow"), "root:*::\n");
        return root;
    }

    // dpkg installs into the root and runs the package's scripts on it (DPKG_ROOT), as an image
    // build does; the root has no libc of its own to satisfy the dependencies with.
    private async Task<string> InstallDebAsync(string root, string version)
    {
        (await ProcessRunner.RunAsync("dpkg", [$"--root={root}", "--force-script-chrootless", "--force-depends", "-i", Deb(version)], TimeSpan.FromMinutes(3)))
            .EnsureSuccess($"dpkg -i backupd {version}");
        return root;
    }

    private static void AssertSetUp(string root)
    {
        var user = File.ReadAllLines(Path.Combine(root, "etc/passwd")).Single(line => line.StartsWith("backupd:", StringComparison.Ordinal)).Split(':');
        Assert.True(int.Parse(user[2], System.Globalization.CultureInfo.InvariantCulture) < 1000, string.Join(':', user));
        Assert.Equal("/usr/sbin/nologin", user[6]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(Path.Combine(root, "etc/backupd")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "var/lib/backupd")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "var/lib/backupd-node")));
        Assert.True(File.Exists(Path.Combine(root, "etc/default/backupd-node")));
        Assert.True(File.Exists(Path.Combine(root, "etc/default/backupd-master")));
    }

    // The Environment= lines of the installed node unit, as systemd gives them to the node.
    private static Dictionary<string, string> UnitEnvironment(string root) =>
        File.ReadAllLines(Path.Combine(root, "lib/systemd/system/backupd-node.service"))
            .Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(line => line["Environment=".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);

    private static string NodeSetting(string root, string name) =>
        File.ReadAllLines(Path.Combine(root, "etc/default/backupd-node")).Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private static string Rooted(string root, string path) => Path.Combine(root, path.TrimStart('/'));

}

/// <summary>
/// The two builds an upgrade goes between, made once for the class by <c>ops/publish.sh</c> as a
/// release would make them: each is a full self-contained ReadyToRun publish, about a minute.
/// </summary>
public sealed class PackageBuilds : IAsyncLifetime
{
    public const string OldVersion = "0.0.1+pkgtest1";
    public const string NewVersion = "0.0.2+pkgtest2";

    public string Work { get; } = Directory.CreateTempSubdirectory("backupd-package-").FullName;

    public string Dist => Path.Combine(Work, "dist");

    public async Task InitializeAsync()
    {
        foreach (var version in new[] { OldVersion, NewVersion })
        {
            (await ProcessRunner.RunAsync(Path.Combine(RepositoryRoot, "ops", "publish.sh"), ["--rid", "linux-x64", "--version", version, "--out", Dist], TimeSpan.FromMinutes(8)))
                .EnsureSuccess($"ops/publish.sh --version {version}");
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Backupd.Orleans.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No Backupd.Orleans.sln above {AppContext.BaseDirectory}.");
        }
    }
}

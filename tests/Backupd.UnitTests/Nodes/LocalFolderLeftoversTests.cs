using Backupd.Contracts.Storage;
using Backupd.Node.Jobs;
using Backupd.Node.Options;
using Backupd.Tests.Bundles;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backupd.Tests.Nodes;

/// <summary>The node's clean-up of copies a crash left half-written in local folders, on a real disk.</summary>
public sealed class LocalFolderLeftoversTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_node_that_starts_again_removes_its_own_stale_copies_in_the_folders_it_wrote_to_and_nothing_else()
    {
        var nas = Directory.CreateDirectory(_temp.Combine("nas")).FullName;
        var dataDir = Directory.CreateDirectory(_temp.Combine("data")).FullName;
        var site = Directory.CreateDirectory(Path.Combine(nas, "backups", "node-a", "wordpress", "shop")).FullName;
        var otherNodes = Directory.CreateDirectory(Path.Combine(nas, "backups", "node-b", "wordpress", "blog")).FullName;
        var crashed = Write(site, "20261201T000000Z-j1.tar.zst.partial-0123456789abcdef0123456789abcdef", DateTime.UtcNow.AddDays(-2));
        var inProgress = Write(site, "20261203T000000Z-j2.tar.zst.partial-fedcba9876543210fedcba9876543210", DateTime.UtcNow);
        var bundle = Write(site, "20261130T000000Z-j0.tar.zst", DateTime.UtcNow.AddDays(-3));
        var notOurs = Write(otherNodes, "20261201T000000Z-j9.tar.zst.partial-00112233445566778899aabbccddeeff", DateTime.UtcNow.AddDays(-2));
        // A job writing there is how the node learns the folder.
        new LocalFolderLeftovers(Options(dataDir), TimeProvider.System, NullLogger<LocalFolderLeftovers>.Instance)
            .Remember(new StorageTargetSettings("p1", StorageTypes.Local, nas, "backups"), "node-a");

        // The node crashed and starts again: a new process, the list read back from its data dir.
        using var restarted = new LocalFolderLeftovers(Options(dataDir), TimeProvider.System, NullLogger<LocalFolderLeftovers>.Instance);
        await restarted.StartAsync(CancellationToken.None);
        // The first look runs as the service starts, on its own thread.
        for (var waited = 0; File.Exists(crashed) && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        await restarted.StopAsync(CancellationToken.None);

        Assert.False(File.Exists(crashed), "a day-old half-written copy in the node's own folder was kept");
        Assert.True(File.Exists(inProgress), "a copy still being written was removed");
        Assert.True(File.Exists(bundle), "a stored bundle was removed");
        Assert.True(File.Exists(notOurs), "another node's part of a shared folder was touched");
    }

    [Fact]
    public void A_folder_that_is_not_there_is_passed_over_and_an_unreadable_list_does_not_stop_the_node()
    {
        var dataDir = Directory.CreateDirectory(_temp.Combine("data")).FullName;
        File.WriteAllText(Path.Combine(dataDir, "local-folders.json"), "[\"/half-written");
        var leftovers = new LocalFolderLeftovers(Options(dataDir), TimeProvider.System, NullLogger<LocalFolderLeftovers>.Instance);

        leftovers.Remember(new StorageTargetSettings("p1", StorageTypes.Local, _temp.Combine("unmounted-nas"), ""), "node-a");

        Assert.Equal(0, leftovers.Sweep());
        Assert.Contains("unmounted-nas", File.ReadAllText(Path.Combine(dataDir, "local-folders.json")), StringComparison.Ordinal);
    }

    private static Microsoft.Extensions.Options.IOptions<NodeOptions> Options(string dataDir) =>
        Microsoft.Extensions.Options.Options.Create(new NodeOptions { DataDir = dataDir });

    private static string Write(string folder, string name, DateTime lastWrite)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, new byte[64]);
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }
}

using System.Text;
using Backupd.Modules;
using Backupd.Modules.WordPress.Restore;
using Backupd.TestBed;
using Backupd.Tests.TestBed;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>
/// A dump from a bundle a broken-into node made, imported through the real mysql client: the
/// client's own commands in it (a shell command, a file read) are refused and the import fails,
/// instead of being run as the restoring node's user.
/// </summary>
[Collection(WordPressCollection.Name)]
public sealed class DatabaseImportHostileTests(WordPressFixture wordPress) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("backupd-import-hostile-");

    public void Dispose() => _work.Delete(recursive: true);

    [Theory]
    [InlineData("\\! touch {marker}")]
    [InlineData("system touch {marker}")]
    [InlineData("INSERT INTO `wp_notes` VALUES (1); \\! touch {marker}")]
    public async Task A_client_command_in_a_dump_is_refused_and_never_run(string line)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        await using var database = await ScratchDatabase.CreateAsync(wordPress.Database, ct);
        var marker = Path.Combine(_work.FullName, "ran");
        var dump = $"CREATE TABLE `wp_notes` (id INT);\n{line.Replace("{marker}", marker, StringComparison.Ordinal)}\nINSERT INTO `wp_notes` VALUES (2);\n";
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(dump));

        var refused = await Assert.ThrowsAsync<ModuleFailedException>(() => DatabaseImport.RunAsync(
            input, database.Settings, "wp_", "stg_", _work.FullName, new Progress<long>(), ct));

        Assert.False(File.Exists(marker), "the dump's shell command ran");
        Assert.Contains("sandbox", refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}

using System.Text.Json;
using Backupd.Modules;
using Backupd.Modules.Storage;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// The master reads a restore's config as JSON to know whether it keeps a copy of what it
/// replaces, and which restore an undo or a discard ends: read here from configs as the master
/// writes them, so a renamed property cannot make kept copies vanish from the list.
/// </summary>
public sealed class RestoreKeptCopyTests
{
    private static readonly WordPressRestoreConfig InPlace =
        new(new BundleSource("b1", "n/wordpress/example/bundle.tar.zst", 42, new string('a', 64)), "/srv/www/example", [WordPressRestoreConfig.DatabasePart]);

    public static TheoryData<string, bool> Configs => new()
    {
        { "in place", true },
        { "undo", true },
        { "safetyBackup false", false },
        { "dry run", false },
        { "test-restore", false },
        { "new site", false },
        { "discard", false },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Only_a_restore_or_undo_in_place_with_safety_backup_keeps_what_it_replaces(string kind, bool keeps)
    {
        Assert.Equal(keeps, RestoreKeptCopy.Keeps(Json(Config(kind)), completed: true));
    }

    [Fact]
    public void Without_safety_backup_what_was_replaced_is_kept_until_the_restore_completed()
    {
        var without = Json(Config("safetyBackup false"));
        Assert.True(RestoreKeptCopy.Keeps(without, completed: false));
        Assert.False(RestoreKeptCopy.Keeps(without, completed: true));
        Assert.False(RestoreKeptCopy.Keeps(Json(Config("dry run")), completed: false));
        Assert.Equal("/srv/www/example", RestoreKeptCopy.Site(without));
    }

    [Fact]
    public void An_undo_or_a_discard_names_the_restore_whose_copy_it_ends()
    {
        Assert.Equal(("r1", true), RestoreKeptCopy.Ends(Json(Config("undo"))));
        Assert.Equal(("r1", false), RestoreKeptCopy.Ends(Json(Config("discard"))));
        Assert.Null(RestoreKeptCopy.Ends(Json(InPlace)));
        Assert.Null(RestoreKeptCopy.Ends("not json"));
        Assert.False(RestoreKeptCopy.Keeps("[]", completed: true));
    }

    private static WordPressRestoreConfig Config(string kind) => kind switch
    {
        "in place" => InPlace,
        "undo" => InPlace with { UndoOf = "r1" },
        "safetyBackup false" => InPlace with { KeepReplaced = false },
        "dry run" => InPlace with { DryRun = true },
        "test-restore" => InPlace with { TestRestore = true },
        "new site" => InPlace with { NewSite = true },
        "discard" => InPlace with { DiscardKeptOf = "r1" },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Json(WordPressRestoreConfig config) => JsonSerializer.Serialize(config, JsonSerializerOptions.Web);
}

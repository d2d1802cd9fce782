using Backupd.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace Backupd.Tests.Master.Persistence;

[Collection(SqliteSiloCollection.Name)]
public sealed class SqliteGrainStorageTests(SqliteSiloFixture silo)
{
    private IGrainStorage Storage => silo.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Master);

    private static GrainId NewGrainId() => GrainId.Create("test-grain", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Written_state_reads_back_with_its_version()
    {
        var id = NewGrainId();
        var written = new GrainState<StoredThing>(new StoredThing { Name = "first", Count = 1 });
        await Storage.WriteStateAsync("thing", id, written);
        Assert.True(written.RecordExists);

        var read = new GrainState<StoredThing>();
        await Storage.ReadStateAsync("thing", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal("first", read.State!.Name);
        Assert.Equal(written.ETag, read.ETag);

        read.State!.Count = 2;
        await Storage.WriteStateAsync("thing", id, read);
        Assert.NotEqual(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Stale_write_is_refused_as_a_conflict()
    {
        var id = NewGrainId();
        var first = new GrainState<StoredThing>(new StoredThing { Name = "a" });
        await Storage.WriteStateAsync("thing", id, first);
        var stale = new GrainState<StoredThing>(new StoredThing { Name = "b" }) { ETag = first.ETag, RecordExists = true };
        await Storage.WriteStateAsync("thing", id, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("thing", id, stale));
        var read = new GrainState<StoredThing>();
        await Storage.ReadStateAsync("thing", id, read);
        Assert.Equal("a", read.State!.Name);
    }

    [Fact]
    public async Task Second_first_write_loses()
    {
        var id = NewGrainId();
        await Storage.WriteStateAsync("thing", id, new GrainState<StoredThing>(new StoredThing { Name = "winner" }));
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteStateAsync("thing", id, new GrainState<StoredThing>(new StoredThing { Name = "loser" })));
    }

    [Fact]
    public async Task Cleared_state_reads_as_absent()
    {
        var id = NewGrainId();
        var state = new GrainState<StoredThing>(new StoredThing { Name = "gone soon" });
        await Storage.WriteStateAsync("thing", id, state);
        await Storage.ClearStateAsync("thing", id, state);

        var read = new GrainState<StoredThing>();
        await Storage.ReadStateAsync("thing", id, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.State!.Name);
    }

    [Fact]
    public async Task State_of_different_grains_and_state_names_is_kept_apart()
    {
        var a = NewGrainId();
        var b = NewGrainId();
        await Storage.WriteStateAsync("thing", a, new GrainState<StoredThing>(new StoredThing { Name = "a" }));
        await Storage.WriteStateAsync("thing", b, new GrainState<StoredThing>(new StoredThing { Name = "b" }));
        await Storage.WriteStateAsync("other", a, new GrainState<StoredThing>(new StoredThing { Name = "a-other" }));

        var read = new GrainState<StoredThing>();
        await Storage.ReadStateAsync("thing", b, read);
        Assert.Equal("b", read.State!.Name);
        await Storage.ReadStateAsync("other", a, read);
        Assert.Equal("a-other", read.State!.Name);
    }
}

[GenerateSerializer]
public sealed class StoredThing
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public int Count { get; set; }
}

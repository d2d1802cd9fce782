using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Backupd.Tests.Master.Persistence;

/// <summary>Orleans ships no SQLite reminder scripts; these prove ours against the real ADO.NET provider.</summary>
[Collection(SqliteSiloCollection.Name)]
public sealed class SqliteReminderTableTests(SqliteSiloFixture silo)
{
    private IReminderTable Table => silo.SiloServices.GetRequiredService<IReminderTable>();

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 3, 29, 0, 30, 15, 123, DateTimeKind.Utc),
        Period = period,
    };

    [Fact]
    public async Task Upserted_reminder_reads_back_exactly()
    {
        var grain = GrainId.Create("schedule", Guid.NewGuid().ToString("N"));
        var etag = await Table.UpsertRow(Entry(grain, "tick", TimeSpan.FromMinutes(1)));

        var row = await Table.ReadRow(grain, "tick") ?? throw new Xunit.Sdk.XunitException("reminder row missing");
        Assert.Equal(grain, row.GrainId);
        Assert.Equal(new DateTime(2026, 3, 29, 0, 30, 15, 123, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(1), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task Upsert_replaces_and_changes_the_etag()
    {
        var grain = GrainId.Create("schedule", Guid.NewGuid().ToString("N"));
        var first = await Table.UpsertRow(Entry(grain, "tick", TimeSpan.FromMinutes(1)));
        var second = await Table.UpsertRow(Entry(grain, "tick", TimeSpan.FromDays(40)));

        Assert.NotEqual(first, second);
        var rows = await Table.ReadRows(grain);
        var row = Assert.Single(rows.Reminders);
        Assert.Equal(TimeSpan.FromDays(40), row.Period);
    }

    [Fact]
    public async Task Remove_needs_the_current_etag()
    {
        var grain = GrainId.Create("schedule", Guid.NewGuid().ToString("N"));
        var stale = await Table.UpsertRow(Entry(grain, "tick", TimeSpan.FromMinutes(1))) ?? throw new Xunit.Sdk.XunitException("no etag");
        var current = await Table.UpsertRow(Entry(grain, "tick", TimeSpan.FromMinutes(2))) ?? throw new Xunit.Sdk.XunitException("no etag");

        Assert.False(await Table.RemoveRow(grain, "tick", stale));
        Assert.True(await Table.RemoveRow(grain, "tick", current));
        Assert.Empty((await Table.ReadRows(grain)).Reminders);
        Assert.False(await Table.RemoveRow(grain, "tick", current));
    }

    [Fact]
    public async Task Range_reads_cover_the_hash_ring_including_wrap_around()
    {
        var grains = Enumerable.Range(0, 40).Select(_ => GrainId.Create("ring", Guid.NewGuid().ToString("N"))).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "ring", TimeSpan.FromMinutes(5)));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).ToList();
        var pivot = hashes.OrderBy(h => h).ElementAt(20);
        var low = await Table.ReadRows(0, pivot);
        var wrapped = await Table.ReadRows(pivot, 0);
        var mine = (ReminderTableData data) => data.Reminders.Where(r => r.ReminderName == "ring" && grains.Contains(r.GrainId)).Select(r => r.GrainId).ToHashSet();

        var expectedLow = grains.Where(g => g.GetUniformHashCode() > 0 && g.GetUniformHashCode() <= pivot).ToHashSet();
        Assert.Equal(expectedLow, mine(low));
        Assert.Equal(grains.ToHashSet().Except(expectedLow).ToHashSet(), mine(wrapped));
    }
}

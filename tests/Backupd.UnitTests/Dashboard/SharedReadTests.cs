using Backupd.Dashboard.Components.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Dashboard;

/// <summary>The one read every open page of a kind shares: few reads, never a stale one.</summary>
public sealed class SharedReadTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private long _changes;
    private int _reads;

    private SharedRead<int> Shared() => new(_ => Task.FromResult(Interlocked.Increment(ref _reads)), () => Interlocked.Read(ref _changes), _time,
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Twenty_pages_asking_with_nothing_changed_share_one_read()
    {
        var shared = Shared();
        var values = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => shared.GetAsync()));
        Assert.All(values, value => Assert.Equal(1, value));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task A_change_makes_the_next_ask_read_again_but_not_sooner_than_a_second_after_the_last_read()
    {
        var shared = Shared();
        Assert.Equal(1, await shared.GetAsync());
        Interlocked.Increment(ref _changes);

        var afterChange = shared.GetAsync();
        var alsoAfterChange = shared.GetAsync();
        Assert.Same(afterChange, alsoAfterChange);
        Assert.False(afterChange.IsCompleted, "read again at once, inside the second");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await afterChange);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task A_read_older_than_its_maximum_age_is_not_handed_to_a_page_opened_later()
    {
        var shared = Shared();
        Assert.Equal(1, await shared.GetAsync());
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, await shared.GetAsync());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, await shared.GetAsync());
    }

    [Fact]
    public async Task A_failed_read_is_not_kept_the_next_ask_reads_again()
    {
        var attempts = 0;
        var shared = new SharedRead<int>(
            _ => ++attempts == 1 ? Task.FromException<int>(new IOException("database is locked")) : Task.FromResult(attempts),
            () => 0, _time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<IOException>(shared.GetAsync);
        var again = shared.GetAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await again);
    }
}

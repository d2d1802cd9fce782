using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Master;

/// <summary>
/// The SQLite silo with its grains and grain timers on a clock the test moves: a lease lapses when
/// the test says so, never because two loaded cores delayed a report.
/// </summary>
public sealed class FakeClockSiloFixture : SqliteSiloFixture
{
    /// <summary>The job lease in this silo.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    private readonly FakeTimeProvider _clock;

    public FakeClockSiloFixture()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero)))
    {
    }

    private FakeClockSiloFixture(FakeTimeProvider clock)
        : base(clock, LeaseDuration)
    {
        _clock = clock;
    }

    /// <summary>Moves the grains' time forward; grain timers that fall due fire.</summary>
    public void Advance(TimeSpan by) => _clock.Advance(by);
}

[CollectionDefinition(Name)]
public sealed class FakeClockSiloCollection : ICollectionFixture<FakeClockSiloFixture>
{
    public const string Name = "sqlite silo on a fake clock";
}

using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
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

    /// <summary>The grains' clock, for services a test runs beside them.</summary>
    public TimeProvider Time => _clock;

    /// <summary>The grains' time now.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>
    /// Polls a job until <paramref name="done"/> holds, moving the clock a second at each look: a
    /// grain timer re-arms only when its tick has finished, so one that re-armed after the test's
    /// last move still comes due.
    /// </summary>
    public async Task<JobDetails> WaitForJobAsync(string jobId, Func<JobDetails, bool> done)
    {
        var job = Client.GetGrain<IJobGrain>(jobId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var details = (await job.GetAsync())!;
            if (done(details))
            {
                return details;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} is still {details.State}: {string.Join("; ", details.Log.Select(line => line.Message))}");
            Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FakeClockSiloCollection : ICollectionFixture<FakeClockSiloFixture>
{
    public const string Name = "sqlite silo on a fake clock";
}

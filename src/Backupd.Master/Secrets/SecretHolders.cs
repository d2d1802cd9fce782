using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Schedules;
using Backupd.Grains.Secrets;
using Backupd.Grains.Storage;

namespace Backupd.Master.Secrets;

/// <summary>
/// Every grain that holds secrets encrypted with the master's keys, of every kind: what key
/// rotation re-encrypts and what the start-up check opens. A kind missing here would keep
/// secrets that rotation leaves behind, so a test checks that every grain that encrypts is of
/// one of <see cref="Kinds"/>.
/// </summary>
public sealed class SecretHolders(IGrainFactory grains, IJobIndex jobIndex, IProviderIndex providers, IScheduleIndex schedules)
{
    /// <summary>The kinds, by name and grain interface.</summary>
    public static IReadOnlyList<(string Name, Type Interface)> Kinds { get; } =
    [
        ("provider", typeof(IStorageProviderGrain)),
        ("schedule", typeof(IScheduleGrain)),
        ("job", typeof(IJobGrain)),
    ];

    /// <summary>Every holder there is now.</summary>
    public async Task<IReadOnlyList<SecretHolder>> ListAsync()
    {
        var holders = new List<SecretHolder>();
        foreach (var (name, _) in Kinds)
        {
            holders.AddRange(name switch
            {
                "provider" => (await providers.ListAsync()).Select(p => new SecretHolder(name, p.Id, grains.GetGrain<IStorageProviderGrain>(p.Id))),
                "schedule" => (await schedules.ListAsync(ScheduleFilter.All)).Select(s => new SecretHolder(name, s.Id, grains.GetGrain<IScheduleGrain>(s.Id))),
                // Finished jobs keep no secrets: only pending and running ones can hold any.
                "job" => await ActiveJobsAsync(name),
                _ => throw new InvalidOperationException($"Secret holders of kind '{name}' are not listed."),
            });
        }

        return holders;
    }

    private async Task<IEnumerable<SecretHolder>> ActiveJobsAsync(string kind)
    {
        var jobs = new List<SecretHolder>();
        foreach (var state in new[] { JobState.Pending, JobState.Running })
        {
            jobs.AddRange((await jobIndex.QueryAllAsync(new JobQuery(State: state))).Select(job => new SecretHolder(kind, job.Id, grains.GetGrain<IJobGrain>(job.Id))));
        }

        return jobs;
    }
}

/// <summary>One holder: its kind, its id and its grain.</summary>
public sealed record SecretHolder(string Kind, string Id, ISecretHolder Grain);

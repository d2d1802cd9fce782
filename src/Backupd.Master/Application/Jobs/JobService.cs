using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Grains.Jobs;
using Backupd.Grains.Schedules;

namespace Backupd.Master.Application.Jobs;

/// <summary>Jobs as an admin handles them: ask for one, list and follow them, cancel one, run one again.</summary>
public sealed class JobService(IGrainFactory grains, IJobIndex index, WorkChecks checks, JobLauncher launcher)
{
    /// <summary>Checks the request and queues the job.</summary>
    public async Task<Outcome<JobDetails>> CreateAsync(CreateJobRequest request)
    {
        var errors = new List<FieldError>();
        var module = checks.CheckWork(request.Module, request.Config, request.Priority, errors);
        if (request.MaxAttempts is < 1 or > 10)
        {
            errors.Add(new("maxAttempts", "must be from 1 to 10"));
        }

        await checks.CheckTargetsAsync(request.NodeId, request.ProviderId, errors);
        if (errors.Count > 0)
        {
            return Problem.Invalid("Invalid job", errors);
        }

        return await launcher.LaunchAsync(new JobSpec(request.NodeId!, module!.Name, request.Config!.Value.GetRawText(), request.ProviderId!,
            request.Priority ?? JobSpec.DefaultPriority, request.MaxAttempts ?? JobSpec.DefaultMaxAttempts));
    }

    /// <summary>One page of jobs, newest first; <paramref name="state"/> is a state's name as the API spells it.</summary>
    public async Task<Outcome<JobPage>> ListAsync(string? state, JobQuery query)
    {
        if (state is not null)
        {
            if (!Enum.TryParse<JobState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
            {
                return Problem.Invalid("Invalid query", "state", $"must be one of {string.Join(", ", Enum.GetNames<JobState>().Select(n => n.ToLowerInvariant()))}");
            }

            query = query with { State = parsed };
        }

        if (query.Offset < 0 || query.Limit is < 1 or > IJobIndex.MaxLimit)
        {
            return Problem.Invalid("Invalid query", "limit", $"offset must be 0 or more and limit from 1 to {IJobIndex.MaxLimit}");
        }

        return await index.QueryAsync(query);
    }

    /// <summary>How many jobs match <paramref name="query"/>.</summary>
    public Task<int> CountAsync(JobQuery query) => index.CountAsync(query);

    /// <summary>The bundles still stored, per provider and schedule.</summary>
    public Task<IReadOnlyList<StoredBundles>> StoredBundlesAsync() => index.StoredBundlesAsync();

    /// <summary>The newest completed job of each of <paramref name="scheduleIds"/>, by schedule id.</summary>
    public Task<IReadOnlyDictionary<string, JobSummary>> LastSuccessPerScheduleAsync(IReadOnlyCollection<string> scheduleIds) => index.LastCompletedPerScheduleAsync(scheduleIds);

    /// <summary>One job with its stages, log and result.</summary>
    public async Task<Outcome<JobDetails>> GetAsync(string id) =>
        await grains.GetGrain<IJobGrain>(id).GetAsync() is { } job ? job : NotFound(id);

    /// <summary>Cancels a job: a pending one at once, a running one at its next checkpoint.</summary>
    public async Task<Outcome<JobDetails>> CancelAsync(string id) =>
        await grains.GetGrain<IJobGrain>(id).CancelAsync() is { } job ? job : NotFound(id);

    /// <summary>
    /// Runs a job that ended again, as a new job: a scheduled job by running its schedule now
    /// (with the schedule's config as it is today), any other with the same node, module,
    /// provider and config. A finished job keeps no secrets, so one whose config had any needs
    /// <paramref name="config"/> with them.
    /// </summary>
    public async Task<Outcome<JobDetails>> RunAgainAsync(string id, JsonElement? config)
    {
        if (await grains.GetGrain<IJobGrain>(id).GetAsync() is not { } job)
        {
            return NotFound(id);
        }

        if (job.State is JobState.Pending or JobState.Running)
        {
            return Problem.Conflict("Job has not ended", $"Job '{id}' is still {job.State.ToString().ToLowerInvariant()}. Wait for it to end, or cancel it (POST /api/v1/jobs/{id}/cancel), then run it again.");
        }

        if (config is null && job.ScheduleId is { } scheduleId && await grains.GetGrain<IScheduleGrain>(scheduleId).RunNowAsync() is { } run)
        {
            return run.JobId is { } jobId
                ? (await grains.GetGrain<IJobGrain>(jobId).GetAsync())!
                : Problem.Conflict("Schedule cannot run", run.Problem ?? "The schedule made no job.");
        }

        var configJson = config is { } given ? given.GetRawText() : job.ConfigJson;
        if (config is null && HasMaskedSecrets(configJson))
        {
            return Problem.Invalid("Config needed", "config",
                $"job '{id}' had secrets in its config, which a job that ended does not keep: send the config again with them, {{ \"config\": {{ … }} }}");
        }

        return await CreateAsync(new CreateJobRequest(job.NodeId, job.Module, JsonSerializer.Deserialize<JsonElement>(configJson), job.ProviderId, job.Priority, job.MaxAttempts));
    }

    private static bool HasMaskedSecrets(string configJson)
    {
        var masked = false;
        SecretConfigMask.Transform(configJson, value =>
        {
            masked |= value == SecretConfigMask.Mask;
            return value;
        });
        return masked;
    }

    private static Problem NotFound(string id) => Problem.NotFound("No such job", $"No job has the id '{id}'. GET /api/v1/jobs lists them.");
}

/// <summary>A request for a job.</summary>
/// <param name="NodeId">The node that runs it.</param>
/// <param name="Module">The module, e.g. <c>wordpress</c>.</param>
/// <param name="Config">The module's config (see <c>GET /api/v1/modules</c>).</param>
/// <param name="ProviderId">Where the bundle goes.</param>
/// <param name="Priority">0–10, default 5; higher runs first.</param>
/// <param name="MaxAttempts">Starts allowed when a node vanishes mid-run; default 2.</param>
public sealed record CreateJobRequest(string? NodeId, string? Module, JsonElement? Config, string? ProviderId, int? Priority, int? MaxAttempts);

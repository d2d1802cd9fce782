using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Modules.Storage;
using Backupd.Tests.Master;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A job's secrets (a site's database password) are stored encrypted while the job may still run,
/// and dropped, not just kept encrypted, once it has ended, whichever way it ended.
/// </summary>
[Collection(FakeClockSiloCollection.Name)]
public sealed class FinishedJobSecretsTests(FakeClockSiloFixture silo)
{
    private const string Password = "finished-job-db-password";
    private const string Config = $$$"""{"path":"/srv/www/a","db":{"user":"wp","password":"{{{Password}}}"}}""";
    private static readonly string[] Stages = ["one", "cleanup"];
    private static readonly JobProgressReport NoProgress = new([], []);

    public static TheoryData<string> Endings => ["completed", "failed", "cancelled while pending", "cancelled while running", "lease lapsed"];

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task A_job_that_has_ended_keeps_no_secret_even_encrypted(string ending)
    {
        var node = "n" + Guid.NewGuid().ToString("N")[..16];
        var id = Guid.NewGuid().ToString("N");
        var job = silo.Client.GetGrain<IJobGrain>(id);
        await job.CreateAsync(new JobSpec(node, "wordpress", Config, "p", 5, MaxAttempts: 1), Stages);
        var stored = await StoredJobAsync(id);
        Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
        Assert.Contains("gAAAAA", stored, StringComparison.Ordinal);

        await EndAsync(job, node, ending);

        var ended = (await job.GetAsync())!;
        Assert.True(ended.State.IsFinished(), $"{ending}: the job is {ended.State}");
        stored = await StoredJobAsync(id);
        Assert.DoesNotContain("gAAAAA", stored, StringComparison.Ordinal);
        // The config is a JSON string inside the stored JSON, so its quotes are escaped.
        Assert.Contains("\\\"password\\\":\\\"********\\\"", stored, StringComparison.Ordinal);
        Assert.Null(await job.StartAsync(node));
    }

    private async Task EndAsync(IJobGrain job, string node, string ending)
    {
        if (ending == "cancelled while pending")
        {
            await job.CancelAsync();
            return;
        }

        var assignment = (await job.StartAsync(node))!;
        Assert.Equal(Config, assignment.ConfigJson);
        switch (ending)
        {
            case "completed":
                await job.FinishAsync(node, assignment.Attempt, new JobOutcome(JobState.Completed, await PlacedBundles.PlaceAsync(job, node, assignment.Attempt), null, NoProgress));
                break;
            case "failed":
                await job.FinishAsync(node, assignment.Attempt, new JobOutcome(JobState.Failed, null, "mysqldump failed", NoProgress));
                break;
            case "cancelled while running":
                await job.CancelAsync();
                await job.FinishAsync(node, assignment.Attempt, new JobOutcome(JobState.Cancelled, null, null, NoProgress));
                break;
            case "lease lapsed":
                silo.Advance(FakeClockSiloFixture.LeaseDuration + TimeSpan.FromSeconds(1));
                await silo.WaitForJobAsync(job.GetPrimaryKeyString(), details => details.State.IsFinished());
                break;
        }
    }

    // The job's row as the grain storage holds it now (not an old page of the file). A job id is
    // 32 hex digits, which Orleans keys as a Guid: its two halves are the row's GrainIdN0 and N1.
    private async Task<string> StoredJobAsync(string id)
    {
        var key = Guid.Parse(id).ToByteArray();
        await using var connection = await silo.Database.OpenAsync(CancellationToken.None);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'job' AND GrainIdN0 = $n0 AND GrainIdN1 = $n1;";
        select.Parameters.AddWithValue("$n0", BitConverter.ToInt64(key, 0));
        select.Parameters.AddWithValue("$n1", BitConverter.ToInt64(key, 8));
        var payload = await select.ExecuteScalarAsync() as byte[];
        Assert.True(payload is not null, $"no stored row for job {id}");
        return System.Text.Encoding.UTF8.GetString(payload);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Node.Connection;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Jobs;

/// <summary>
/// A node asks the master, over the node API with its certificate as a real node does, for the
/// storage of a job: only the node running that job, in that attempt, for that job's provider,
/// learns where it is, and even that node never gets an S3 provider's credentials.
/// </summary>
[Collection(SharedMasterCollection.Name)]
public sealed class CredentialReleaseTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private const string Secret = "release-test-secret-Zq81";
    private static readonly CancellationToken None = CancellationToken.None;
    private MasterApi _api = null!;

    public async Task InitializeAsync() => _api = new MasterApi(fixture.Master.Http, await fixture.Master.IssueTokenAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Only_the_node_running_the_job_learns_where_its_provider_is_and_no_node_ever_gets_its_credentials()
    {
        var nodeA = await NodeEnrolment.EnrolAsync(_api);
        var nodeB = await NodeEnrolment.EnrolAsync(_api);
        var provider = await _api.CreateUnreachableS3ProviderAsync("release-a", Secret);
        var otherProvider = await _api.CreateUnreachableS3ProviderAsync("release-b", Secret);
        var jobId = await _api.CreateJobAsync(nodeA.NodeId, provider, new { path = "/srv/www/release" });
        using var a = nodeA.Connect();
        using var b = nodeB.Connect();
        // A's certificate with B's key, and with a key that is nobody's.
        using var aWithBsKey = NodeApiClient.Create(nodeA.Identity with { ApiKey = nodeB.ApiKey });
        using var aWithAWrongKey = NodeApiClient.Create(nodeA.Identity with { ApiKey = nodeA.ApiKey + "x" });

        // Pending: nobody gets anything.
        await Refused(() => a.GetJobStorageAsync(jobId, 1, provider, None));

        var assignment = await a.TakeJobAsync(None);
        Assert.Equal(jobId, assignment!.JobId);

        var settings = await a.GetJobStorageAsync(jobId, assignment.Attempt, provider, None);
        Assert.Equal("release-a", settings.S3!.Bucket);
        Assert.Null(settings.S3.SecretAccessKey);
        Assert.Null(settings.S3.AccessKeyId);

        await Refused(() => b.GetJobStorageAsync(jobId, assignment.Attempt, provider, None));
        await Refused(() => aWithBsKey.GetJobStorageAsync(jobId, assignment.Attempt, provider, None));
        await Refused(() => a.GetJobStorageAsync(jobId, assignment.Attempt, otherProvider, None));
        await Refused(() => a.GetJobStorageAsync(jobId, assignment.Attempt + 1, provider, None));
        await Refused(() => aWithAWrongKey.GetJobStorageAsync(jobId, assignment.Attempt, provider, None));

        await a.FinishJobAsync(jobId, assignment.Attempt, new JobOutcome(JobState.Failed, null, "test", new JobProgressReport([], [])), None);
        await Refused(() => a.GetJobStorageAsync(jobId, assignment.Attempt, provider, None));

        Assert.Contains($"Refused node {nodeB.NodeId} the storage settings of provider {provider} for job {jobId}", fixture.Master.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, fixture.Master.Output, StringComparison.Ordinal);
    }

    private static async Task Refused(Func<Task> call) => await Assert.ThrowsAsync<UnauthorizedAccessException>(call);
}

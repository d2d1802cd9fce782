using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Node.Connection;
using Backupd.Node.Identity;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>
/// The node API against someone who is not the node they claim to be: no certificate, a forged
/// one, a real node's certificate with another node's key or jobs, a disabled node, and the
/// admin API from the node port. Each is refused with nothing released and nothing changed,
/// while a real node goes on working.
/// </summary>
[Collection(SharedMasterCollection.Name)]
public sealed class NodeApiAttackerTests(SharedMasterFixture fixture) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Backupd.Contracts.Nodes.NodeCapabilities Capabilities = new("0.0.0-test", "test", [], 1);
    private MasterApi _api = null!;

    private MasterProcess Master => fixture.Master;

    public async Task InitializeAsync() => _api = new MasterApi(Master.Http, await Master.IssueTokenAsync());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_node_with_its_certificate_and_key_is_heard()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var api = node.Connect();

        await api.HeartbeatAsync(Capabilities, None);

        Assert.True((await _api.GetJsonAsync($"/api/v1/nodes/{node.NodeId}")).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task A_connection_without_a_certificate_is_refused_in_the_handshake()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        var seen = await LastSeenAsync(node.NodeId);
        using var rogue = RogueNode.Client(Master.NodeApiUrl, certificate: null, bearer: node.ApiKey);

        await Assert.ThrowsAsync<HttpRequestException>(() => RogueNode.HeartbeatAsync(rogue));

        Assert.Equal(seen, await LastSeenAsync(node.NodeId));
    }

    [Fact]
    public async Task A_self_signed_certificate_naming_a_real_node_is_refused_in_the_handshake()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        var seen = await LastSeenAsync(node.NodeId);
        using var forged = RogueNode.SelfSigned(node.NodeId);
        using var rogue = RogueNode.Client(Master.NodeApiUrl, forged, bearer: node.ApiKey);

        await Assert.ThrowsAsync<HttpRequestException>(() => RogueNode.HeartbeatAsync(rogue));

        Assert.Equal(seen, await LastSeenAsync(node.NodeId));
    }

    [Fact]
    public async Task A_certificate_from_a_ca_with_the_real_cas_name_is_refused_in_the_handshake()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        var seen = await LastSeenAsync(node.NodeId);
        using var server = await RogueNode.ServerCertificateAsync(Master.NodeApiUrl);
        using var forged = RogueNode.SignedByLookAlike(server.IssuerName, node.NodeId);
        Assert.Equal(X509CertificateLoader.LoadCertificate(System.Text.Encoding.ASCII.GetBytes(node.Identity.AuthorityPem)).Subject, forged.Issuer);
        using var rogue = RogueNode.Client(Master.NodeApiUrl, forged, bearer: node.ApiKey);

        await Assert.ThrowsAsync<HttpRequestException>(() => RogueNode.HeartbeatAsync(rogue));

        Assert.Equal(seen, await LastSeenAsync(node.NodeId));
    }

    [Fact]
    public async Task A_nodes_certificate_with_another_nodes_key_a_wrong_key_or_none_is_refused()
    {
        var a = await NodeEnrolment.EnrolAsync(_api);
        var b = await NodeEnrolment.EnrolAsync(_api);
        var (seenA, seenB) = (await LastSeenAsync(a.NodeId), await LastSeenAsync(b.NodeId));

        foreach (var key in new[] { b.ApiKey, a.ApiKey[..^2] + "zz", "", a.ApiKey.Replace(a.NodeId, b.NodeId, StringComparison.Ordinal) })
        {
            using var api = NodeApiClient.Create(a.Identity with { ApiKey = key });
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => api.HeartbeatAsync(Capabilities, None));
        }

        Assert.Equal(seenA, await LastSeenAsync(a.NodeId));
        Assert.Equal(seenB, await LastSeenAsync(b.NodeId));
    }

    [Fact]
    public async Task A_node_that_reports_another_nodes_bundle_as_its_result_is_refused_and_the_job_fails_saying_why()
    {
        // The attack: node A finishes its own job naming node B's bundle, so that A's retention
        // would later delete B's backup.
        var a = await NodeEnrolment.EnrolAsync(_api);
        var b = await NodeEnrolment.EnrolAsync(_api);
        var provider = await _api.CreateUnreachableS3ProviderAsync("foreign-key", ProviderSecret);
        var jobB = await _api.CreateJobAsync(b.NodeId, provider, new { path = "/srv/www/victim-site" });
        var jobA = await _api.CreateJobAsync(a.NodeId, provider, new { path = "/srv/www/attacker" });
        var victimKey = Backupd.Modules.Storage.BundleKey.Compose(b.NodeId, "wordpress", "victim-site", DateTimeOffset.UtcNow, jobB);
        var stolenJobId = Backupd.Modules.Storage.BundleKey.Compose(a.NodeId, "wordpress", "attacker", DateTimeOffset.UtcNow, jobB);
        using var nodeA = a.Connect();

        foreach (var forged in new[] { victimKey, stolenJobId, "../" + victimKey })
        {
            var job = forged == victimKey ? jobA : await _api.CreateJobAsync(a.NodeId, provider, new { path = "/srv/www/attacker" });
            var assignment = (await nodeA.TakeJobAsync(None))!;
            Assert.Equal(job, assignment.JobId);
            Assert.Equal(LeaseStatus.Active, await nodeA.FinishJobAsync(job, assignment.Attempt,
                new JobOutcome(JobState.Completed, new JobResult(forged, 1, new string('0', 64)), null, new JobProgressReport([], [])), None));

            var details = await _api.GetJsonAsync($"/api/v1/jobs/{job}");
            Assert.Equal("failed", details.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, details.GetProperty("result").ValueKind);
            Assert.Contains($"'{forged}', which is not this job's", details.GetProperty("error").GetString()!, StringComparison.Ordinal);
        }

        Assert.Contains($"Refused the result of job {jobA} from node {a.NodeId}", Master.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_cannot_take_report_on_finish_or_open_the_storage_of_another_nodes_job()
    {
        var a = await NodeEnrolment.EnrolAsync(_api);
        var b = await NodeEnrolment.EnrolAsync(_api);
        var provider = await _api.CreateUnreachableS3ProviderAsync("attacker", ProviderSecret);
        var jobId = await _api.CreateJobAsync(b.NodeId, provider, new { path = "/srv/www/attacked" });
        using var nodeA = a.Connect();
        using var nodeB = b.Connect();

        Assert.Null(await nodeA.TakeJobAsync(None));
        var assignment = (await nodeB.TakeJobAsync(None))!;
        Assert.Equal(jobId, assignment.JobId);

        var report = new JobProgressReport([new JobStageInfo("backup_db", StageStatus.Completed)], [new JobLogEntry(DateTimeOffset.UtcNow, JobLogLevel.Info, "written by node A")]);
        Assert.Equal(LeaseStatus.Lost, await nodeA.ReportJobAsync(jobId, assignment.Attempt, report, None));
        Assert.Equal(LeaseStatus.Lost, await nodeA.FinishJobAsync(jobId, assignment.Attempt, new JobOutcome(JobState.Completed, new JobResult("forged.tar.zst", 1, new string('0', 64)), null, report), None));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => nodeA.GetJobStorageAsync(jobId, assignment.Attempt, provider, None));
        // Handing back another node's job would put it back in the queue under that node's feet.
        Assert.Equal(LeaseStatus.Lost, await nodeA.ReleaseJobAsync(jobId, assignment.Attempt, "not mine", report, keptWork: false, None));

        var job = await _api.GetJsonAsync($"/api/v1/jobs/{jobId}");
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.DoesNotContain("written by node A", job.ToString(), StringComparison.Ordinal);
        Assert.Equal(LeaseStatus.Active, await nodeB.ReportJobAsync(jobId, assignment.Attempt, new JobProgressReport([], []), None));
        Assert.DoesNotContain(ProviderSecret, Master.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("delete")]
    public async Task A_disabled_or_deleted_nodes_open_connection_is_closed_at_once_and_new_ones_are_refused(string action)
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var certificate = X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem);
        using var http = RogueNode.Client(Master.NodeApiUrl, certificate, bearer: node.ApiKey);
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var signals = await http.GetAsync(NodeApiRoutes.Signals, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, signals.StatusCode);
        using var stream = new StreamReader(await signals.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await stream.ReadLineAsync());

        using var removed = action == "disable"
            ? await _api.SendAsync(HttpMethod.Post, $"/api/v1/nodes/{node.NodeId}/disable")
            : await _api.SendAsync(HttpMethod.Delete, $"/api/v1/nodes/{node.NodeId}");
        Assert.True(removed.IsSuccessStatusCode);

        await AssertStreamEndsAsync(stream, "the stream of a removed node");

        using var api = node.Connect();
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => api.HeartbeatAsync(Capabilities, None));
        Assert.Contains($"Node {node.NodeId} is disabled or deleted", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => api.TakeJobAsync(None));
    }

    [Fact]
    public async Task A_certificate_two_renewals_old_is_refused_and_the_newest_works()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var first = node.Connect();
        var secondKey = NodeKey.Create();
        var second = await first.RenewCertificateAsync(secondKey.CertificateRequestPem, None);
        var secondIdentity = node.Identity with { CertificatePem = second.CertificatePem, PrivateKeyPem = secondKey.PrivateKeyPem };
        using var secondApi = NodeApiClient.Create(secondIdentity);
        await secondApi.HeartbeatAsync(Capabilities, None);
        // The one before stays valid until the next renewal, so a lost answer does not lock the node out,
        // but it cannot renew: whoever else holds it cannot push the current one out.
        await first.HeartbeatAsync(Capabilities, None);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => first.RenewCertificateAsync(NodeKey.Create().CertificateRequestPem, None));

        var thirdKey = NodeKey.Create();
        var third = await secondApi.RenewCertificateAsync(thirdKey.CertificateRequestPem, None);
        using var thirdApi = NodeApiClient.Create(node.Identity with { CertificatePem = third.CertificatePem, PrivateKeyPem = thirdKey.PrivateKeyPem });
        using var stale = NodeApiClient.Create(node.Identity);

        await thirdApi.HeartbeatAsync(Capabilities, None);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => stale.HeartbeatAsync(Capabilities, None));
    }

    [Fact]
    public async Task A_connection_made_with_a_certificate_that_two_renewals_replaced_is_closed()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var stale = X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem);
        using var staleHttp = RogueNode.Client(Master.NodeApiUrl, stale, bearer: node.ApiKey);
        staleHttp.Timeout = Timeout.InfiniteTimeSpan;
        using var signals = await staleHttp.GetAsync(NodeApiRoutes.Signals, HttpCompletionOption.ResponseHeadersRead);
        using var stream = new StreamReader(await signals.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await stream.ReadLineAsync());

        using var first = node.Connect();
        var secondKey = NodeKey.Create();
        var second = await first.RenewCertificateAsync(secondKey.CertificateRequestPem, None);
        using var secondApi = NodeApiClient.Create(node.Identity with { CertificatePem = second.CertificatePem, PrivateKeyPem = secondKey.PrivateKeyPem });
        await secondApi.RenewCertificateAsync(NodeKey.Create().CertificateRequestPem, None);

        await AssertStreamEndsAsync(stream, "a stream opened with a certificate two renewals old");
    }

    [Fact]
    public async Task A_second_signal_stream_of_a_node_ends_the_first()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var certificate = X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem);
        using var one = RogueNode.Client(Master.NodeApiUrl, certificate, bearer: node.ApiKey);
        using var two = RogueNode.Client(Master.NodeApiUrl, certificate, bearer: node.ApiKey);
        one.Timeout = two.Timeout = Timeout.InfiniteTimeSpan;
        using var firstSignals = await one.GetAsync(NodeApiRoutes.Signals, HttpCompletionOption.ResponseHeadersRead);
        using var firstStream = new StreamReader(await firstSignals.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await firstStream.ReadLineAsync());

        using var secondSignals = await two.GetAsync(NodeApiRoutes.Signals, HttpCompletionOption.ResponseHeadersRead);
        using var secondStream = new StreamReader(await secondSignals.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await secondStream.ReadLineAsync());

        await AssertStreamEndsAsync(firstStream, "the first of two signal streams");
        await _api.CreateJobAsync(node.NodeId, await _api.CreateUnreachableS3ProviderAsync("attacker", ProviderSecret), new { path = "/srv/www/signalled" });
        Assert.Equal("event: work", await ReadEventAsync(secondStream));
    }

    [Fact]
    public async Task A_body_larger_than_anything_a_node_sends_is_refused()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var certificate = X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem);
        using var http = RogueNode.Client(Master.NodeApiUrl, certificate, bearer: node.ApiKey);
        var huge = $$"""{"version":"0","operatingSystem":"{{new string('x', 1024 * 1024)}}","modules":[],"freeDiskBytes":1}""";

        // Asking first (Expect: 100-continue), as a careful client does: the master's 413 then comes
        // before the body, instead of racing a megabyte the master has stopped reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, NodeApiRoutes.Heartbeat) { Content = new StringContent(huge, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_certificate_that_points_at_urls_makes_the_master_fetch_nothing()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var fetch = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        var knocked = listener.AcceptTcpClientAsync();
        using var server = await RogueNode.ServerCertificateAsync(Master.NodeApiUrl);

        // Neither a certificate the CA never saw nor one claiming that CA as issuer may send the master anywhere.
        foreach (var forged in new[] { RogueNode.PointingAt(fetch, issuer: null, node.NodeId), RogueNode.PointingAt(fetch, server.IssuerName, node.NodeId) })
        {
            using (forged)
            {
                using var rogue = RogueNode.Client(Master.NodeApiUrl, forged, bearer: node.ApiKey);
                await Assert.ThrowsAsync<HttpRequestException>(() => RogueNode.HeartbeatAsync(rogue));
            }
        }

        // The fetch, had there been one, was made during the handshakes that just failed.
        Assert.NotSame(knocked, await Task.WhenAny(knocked, Task.Delay(TimeSpan.FromSeconds(2))));
    }

    [Fact]
    public async Task The_admin_api_is_not_on_the_node_port_and_the_node_api_is_not_on_the_admin_port()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        var seen = await LastSeenAsync(node.NodeId);
        var adminToken = await Master.IssueTokenAsync();
        using var certificate = X509Certificate2.CreateFromPem(node.Identity.CertificatePem, node.Identity.PrivateKeyPem);
        using var onNodePort = RogueNode.Client(Master.NodeApiUrl, certificate, bearer: adminToken);

        foreach (var path in new[] { "/api/v1/nodes", "/API/V1/PROVIDERS", "/healthz", "/openapi/v1.json", "/" })
        {
            using var response = await onNodePort.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the node port: {response.StatusCode}");
        }

        foreach (var path in new[] { NodeApiRoutes.Heartbeat, NodeApiRoutes.Heartbeat.ToUpperInvariant() })
        {
            using var nodeRouteOnAdminPort = await Master.Http.PostAsJsonAsync(path, Capabilities);
            Assert.True(nodeRouteOnAdminPort.StatusCode == HttpStatusCode.NotFound, $"{path} on the admin port: {nodeRouteOnAdminPort.StatusCode}");
        }

        Assert.Equal(seen, await LastSeenAsync(node.NodeId));
    }

    [Fact]
    public async Task Nothing_speaks_orleans_to_the_outside()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        var seen = await LastSeenAsync(node.NodeId);
        // Whatever the master listens on: a gateway turned back on, on any port, would show here.
        var ports = ListeningPorts.Of(Master.Process.Id);
        Assert.Equal(new SortedSet<int> { Master.BaseUrl.Port, Master.NodeApiUrl.Port, Master.SiloPort }, new SortedSet<int>(ports));
        foreach (var port in ports)
        {
            Assert.False(await OrleansClientProbe.ConnectsAsync(port), $"an Orleans client connected through port {port}");
        }

        Assert.Equal(seen, await LastSeenAsync(node.NodeId));
    }

    [Fact]
    public async Task A_flood_of_forged_certificates_activates_no_node()
    {
        var ids = Enumerable.Range(0, 40).Select(_ => Backupd.Contracts.Nodes.NodeApiKeyFormat.NewNodeId()).ToList();
        foreach (var id in ids)
        {
            using var forged = RogueNode.SelfSigned(id);
            using var rogue = RogueNode.Client(Master.NodeApiUrl, forged);
            await Assert.ThrowsAsync<HttpRequestException>(() => RogueNode.HeartbeatAsync(rogue));
        }

        // A node grain asked about a certificate, and the connection gate, log what they refuse.
        // The log is written in order: once a later line is there, any about the flood would be too.
        var marker = "after-the-flood-" + Guid.NewGuid().ToString("N")[..8];
        using (await _api.RegisterAsync(RegistrationCodes.NewCode(), RegistrationCodes.NewSecret(), hostname: marker))
        {
        }

        await Master.Process.WaitForOutputAsync(marker, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(ids, id => Master.Output.Contains(id, StringComparison.Ordinal));
    }

    private const string ProviderSecret = "attacker-test-secret-8Kq";

    // Ends within seconds: not at the next keep-alive, not never. Comments (keep-alives) may come first.
    private static async Task AssertStreamEndsAsync(StreamReader stream, string what)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (await stream.ReadLineAsync(patience.Token) is { } line)
            {
                Assert.True(line.Length == 0 || line.StartsWith(':'), $"an event reached {what}: {line}");
            }

            throw new EndOfStreamException("the master ended the stream");
        });
        Assert.False(patience.IsCancellationRequested, $"{what} was still open 10 s later");
    }

    private static async Task<string> ReadEventAsync(StreamReader stream)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await stream.ReadLineAsync(patience.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new EndOfStreamException("the stream ended before an event");
    }

    // Claiming its key and certificate is a node's first contact; a heartbeat that got through would be the next.
    private async Task<string?> LastSeenAsync(string nodeId) =>
        (await _api.GetJsonAsync($"/api/v1/nodes/{nodeId}")).GetProperty("lastSeenAt").ToString();
}

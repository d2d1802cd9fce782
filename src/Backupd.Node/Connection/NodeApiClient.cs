using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Storage;
using Backupd.Node.Identity;

namespace Backupd.Node.Connection;

/// <summary>
/// The master's node API as this node calls it: HTTPS with the node's certificate, trusting only
/// the master's node CA (not the machine's CAs), with the API key on every call as a second proof.
/// </summary>
public sealed class NodeApiClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UploadStepTimeout = TimeSpan.FromMinutes(10);
    private readonly HttpClient _http;
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2 _authority;

    private NodeApiClient(NodeIdentity identity)
    {
        NodeId = identity.NodeId;
        _certificate = X509Certificate2.CreateFromPem(identity.CertificatePem, identity.PrivateKeyPem);
        _authority = X509Certificate2.CreateFromPem(identity.AuthorityPem);
        CertificateNotAfter = _certificate.NotAfter.ToUniversalTime();
        CertificateNotBefore = _certificate.NotBefore.ToUniversalTime();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [_certificate],
                // The chain TLS builds goes to the node CA only, and fetches nothing the master's certificate points at.
                CertificateChainPolicy = MasterChainPolicy(_authority),
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTheMaster(certificate, errors),
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(identity.NodeApiUrl), Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", identity.ApiKey);
    }

    /// <summary>The node this client speaks for.</summary>
    public string NodeId { get; }

    /// <summary>When the node's certificate stops being valid.</summary>
    public DateTime CertificateNotAfter { get; }

    /// <summary>When the node's certificate started being valid.</summary>
    public DateTime CertificateNotBefore { get; }

    /// <summary>A client for <paramref name="identity"/>.</summary>
    public static NodeApiClient Create(NodeIdentity identity) => new(identity);

    /// <summary>Reports the node alive.</summary>
    public Task HeartbeatAsync(NodeCapabilities capabilities, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, NodeApiRoutes.Heartbeat, capabilities, cancellationToken);

    /// <summary>Takes the next job; null when the queue is empty.</summary>
    public async Task<JobAssignment?> TakeJobAsync(CancellationToken cancellationToken)
    {
        using var response = await CallAsync(HttpMethod.Post, NodeApiRoutes.NextJob, null, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent ? null : await ReadAsync<JobAssignment>(response, cancellationToken);
    }

    /// <summary>Reports progress; the answer says whether the node still holds the job.</summary>
    public async Task<LeaseStatus> ReportJobAsync(string jobId, int attempt, JobProgressReport report, CancellationToken cancellationToken) =>
        (await SendAsync<LeaseResponse>(HttpMethod.Post, NodeApiRoutes.Report(jobId), new JobReportRequest(attempt, report), cancellationToken)).Status;

    /// <summary>Reports how a run ended.</summary>
    public async Task<LeaseStatus> FinishJobAsync(string jobId, int attempt, JobOutcome outcome, CancellationToken cancellationToken) =>
        (await SendAsync<LeaseResponse>(HttpMethod.Post, NodeApiRoutes.Finish(jobId), new JobFinishRequest(attempt, outcome), cancellationToken)).Status;

    /// <summary>Hands a running job back unfinished, so the master queues it again at once.</summary>
    public async Task<LeaseStatus> ReleaseJobAsync(string jobId, int attempt, string reason, JobProgressReport report, bool keptWork, CancellationToken cancellationToken) =>
        (await SendAsync<LeaseResponse>(HttpMethod.Post, NodeApiRoutes.Release(jobId), new JobReleaseRequest(attempt, reason, report) { KeptWork = keptWork }, cancellationToken)).Status;

    /// <summary>The storage of a job this node runs in this attempt.</summary>
    public Task<StorageTargetSettings> GetJobStorageAsync(string jobId, int attempt, string providerId, CancellationToken cancellationToken) =>
        SendAsync<StorageTargetSettings>(HttpMethod.Post, NodeApiRoutes.Storage(jobId), new JobStorageRequest(attempt, providerId), cancellationToken);

    /// <summary>Where the job's bundle goes this attempt; the master makes the key, <paramref name="site"/> names the site in it.</summary>
    public Task<BundlePlacement> PlaceBundleAsync(string jobId, int attempt, string site, string sha256Hex, CancellationToken cancellationToken) =>
        SendAsync<BundlePlacement>(HttpMethod.Post, NodeApiRoutes.Bundle(jobId), new BundlePlacementRequest(attempt, site) { Sha256Hex = sha256Hex }, cancellationToken);

    /// <summary>
    /// One step of the upload of the job's bundle to an S3 provider (<paramref name="route"/> is one
    /// of the <see cref="NodeApiRoutes"/> bundle routes). The master may be talking to the store
    /// meanwhile (completing a large object takes minutes), so the call waits longer than others.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The master refused: the node no longer holds the job, or the key is not the job's.</exception>
    /// <exception cref="HttpRequestException">The master answered with another error; <see cref="HttpRequestException.StatusCode"/> says which.</exception>
    public async Task<T?> SendUploadStepAsync<T>(string route, BundleUploadRequest request, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(HttpMethod.Post, route, request, cancellationToken, UploadStepTimeout);
        return response.StatusCode == HttpStatusCode.NoContent ? default : await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>A new certificate for the key in <paramref name="certificateRequestPem"/>.</summary>
    public Task<NodeCertificate> RenewCertificateAsync(string certificateRequestPem, CancellationToken cancellationToken) =>
        SendAsync<NodeCertificate>(HttpMethod.Post, NodeApiRoutes.Certificate, new CertificateRenewalRequest(certificateRequestPem), cancellationToken);

    /// <summary>
    /// Reads the master's signal stream, calling <paramref name="signal"/> with each event's name
    /// and data, until the stream ends or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="signal">Called with the event name and its data.</param>
    /// <param name="idleTimeout">The master writes at least this often; silence this long means the stream is dead.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public async Task ReadSignalsAsync(Action<string, string> signal, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, NodeApiRoutes.Signals);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        string? name = null;
        var data = string.Empty;
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(idleTimeout);
            string? line;
            try
            {
                line = await reader.ReadLineAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The master's signal stream was silent for {idleTimeout.TotalSeconds:0} s.");
            }

            switch (line)
            {
                case null:
                    return;
                case "":
                    if (name is not null)
                    {
                        signal(name, data);
                    }

                    (name, data) = (null, string.Empty);
                    break;
                case var _ when line.StartsWith("event: ", StringComparison.Ordinal):
                    name = line["event: ".Length..];
                    break;
                case var _ when line.StartsWith("data: ", StringComparison.Ordinal):
                    data = line["data: ".Length..];
                    break;
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _certificate.Dispose();
        _authority.Dispose();
    }

    // Only a certificate from the master's node CA, for the name the node dialled: a machine CA,
    // however trusted elsewhere, cannot stand in for the master.
    private bool IsTheMaster(X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain { ChainPolicy = MasterChainPolicy(_authority) };
        return chain.Build(certificate) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.Thumbprint == _authority.Thumbprint;
    }

    // Issued by the node CA for server authentication: a node certificate from the same CA is not the master.
    private static X509ChainPolicy MasterChainPolicy(X509Certificate2 authority)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(authority);
        policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        return policy;
    }

    private async Task SendAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(method, path, body, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(method, path, body, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken, TimeSpan? callTimeout = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(callTimeout ?? CallTimeout);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: NodeApiJson.Options) };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The master did not answer {method} {path} within {(callTimeout ?? CallTimeout).TotalSeconds:0} s.");
        }

        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(NodeApiJson.Options, cancellationToken)
        ?? throw new HttpRequestException($"The master sent an empty answer to {response.RequestMessage?.RequestUri?.AbsolutePath}.");

    // The master answers errors as problem details; their "detail" is the sentence for the job log.
    private static (string Detail, bool Transient) ProblemDetail(string body)
    {
        try
        {
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            var root = problem.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return (body, false);
            }

            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == System.Text.Json.JsonValueKind.String ? d.GetString()! : body;
            return (detail, root.TryGetProperty(NodeApiProblems.Transient, out var t) && t.ValueKind == System.Text.Json.JsonValueKind.True);
        }
        catch (System.Text.Json.JsonException)
        {
            return (body, false);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var (detail, transient) = ProblemDetail(await response.Content.ReadAsStringAsync(cancellationToken));
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException($"The master refused this node ({(int)response.StatusCode}): {detail}");
        }

        throw new MasterProblemException($"The master answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}", detail, transient, response.StatusCode);
    }
}

/// <summary>An error answer from the master: its words, and whether it may pass by itself.</summary>
public sealed class MasterProblemException(string message, string detail, bool transient, HttpStatusCode status)
    : HttpRequestException(message, null, status)
{
    /// <summary>The master's sentence, for the job log.</summary>
    public string Detail { get; } = detail;

    /// <summary>The master says trying again later may work.</summary>
    public bool Transient { get; } = transient;
}

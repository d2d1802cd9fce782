using System.Net;
using System.Net.Http.Json;
using Backupd.Contracts.Nodes;

namespace Backupd.Node.Registration;

/// <summary>The master's registration endpoints, as the node calls them.</summary>
public sealed class MasterRegistrationClient(HttpClient http)
{
    /// <summary>Registers a code with the request for the node's certificate; false when another pending registration holds the code.</summary>
    public async Task<bool> RegisterAsync(string hostname, string code, string secret, string certificateRequestPem, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            "/api/v1/nodes/register", new { hostname, code, registrationSecret = secret, certificateRequest = certificateRequestPem }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Asks whether the code was approved; returns the node id, key, certificate and node API URL once it was.</summary>
    public async Task<RegistrationPoll> PollAsync(string code, string secret, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/nodes/register/status", new { code, registrationSecret = secret }, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Gone:
            case HttpStatusCode.NotFound:
                return new RegistrationPoll(RegistrationPollState.Expired, null, null);
            case HttpStatusCode.Conflict:
                return new RegistrationPoll(RegistrationPollState.AlreadyClaimed, null, null);
        }

        await EnsureSuccessAsync(response, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<StatusBody>(cancellationToken)
            ?? throw new HttpRequestException("The master sent an empty registration status.");
        return body is { Status: "approved", ApiKey: { Length: > 0 }, Certificate: not null, NodeApiUrl: { Length: > 0 } }
            ? new RegistrationPoll(RegistrationPollState.Approved, body.NodeId, new Approval(body.ApiKey, body.Certificate, body.NodeApiUrl))
            : new RegistrationPoll(RegistrationPollState.Pending, body.NodeId, null);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30);
            throw new RegistrationDeferredException(retryAfter, await ProblemDetailAsync(response, cancellationToken));
        }

        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The master answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(cancellationToken);
            return problem?.Detail ?? "the master is limiting registrations";
        }
        catch (System.Text.Json.JsonException)
        {
            return "the master is limiting registrations";
        }
    }

    private sealed record ProblemBody(string? Detail);

    private sealed record StatusBody(string Status, string NodeId, string? ApiKey, NodeCertificate? Certificate, string? NodeApiUrl);
}

/// <summary>The master's brakes held the registration back (429); ask again after <see cref="RetryAfter"/>.</summary>
public sealed class RegistrationDeferredException(TimeSpan retryAfter, string detail)
    : Exception($"The master asks to wait {retryAfter.TotalSeconds:0} s: {detail}")
{
    /// <summary>How long the master asked to wait.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>Why, in the master's words.</summary>
    public string Detail { get; } = detail;
}

/// <summary>What the master hands a node once, when it was approved.</summary>
/// <param name="ApiKey">The node's API key.</param>
/// <param name="Certificate">The node's certificate and the CA that issued it.</param>
/// <param name="NodeApiUrl">Where the node API is.</param>
public sealed record Approval(string ApiKey, NodeCertificate Certificate, string NodeApiUrl)
{
    /// <summary>Keeps the key out of logs.</summary>
    public override string ToString() => $"Approval {{ NodeApiUrl = {NodeApiUrl} }}";
}

/// <summary>Where a registration stands.</summary>
public enum RegistrationPollState
{
    Pending,
    Approved,
    Expired,
    AlreadyClaimed,
}

/// <summary>One answer of the registration status endpoint.</summary>
public sealed record RegistrationPoll(RegistrationPollState State, string? NodeId, Approval? Approval);

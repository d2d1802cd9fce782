using System.Net;
using System.Net.Http.Json;

namespace Backupd.Node.Registration;

/// <summary>The master's registration endpoints, as the node calls them.</summary>
public sealed class MasterRegistrationClient(HttpClient http)
{
    /// <summary>Registers a code; false when another pending registration holds it.</summary>
    public async Task<bool> RegisterAsync(string hostname, string code, string secret, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/nodes/register", new { hostname, code, registrationSecret = secret }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    /// <summary>Asks whether the code was approved; returns the node id and key once it was.</summary>
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
        return body is { Status: "approved", ApiKey: { Length: > 0 } key }
            ? new RegistrationPoll(RegistrationPollState.Approved, body.NodeId, key)
            : new RegistrationPoll(RegistrationPollState.Pending, body.NodeId, null);
    }

    /// <summary>Where to connect as an Orleans client; null when the master refuses the key.</summary>
    public async Task<GatewaysInfo?> GetGatewaysAsync(string apiKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nodes/gateways");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<GatewaysInfo>(cancellationToken)
            ?? throw new HttpRequestException("The master sent no gateways.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"The master answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }

    private sealed record StatusBody(string Status, string NodeId, string? ApiKey);
}

/// <summary>The cluster a node connects to.</summary>
public sealed record GatewaysInfo(string ClusterId, string ServiceId, IReadOnlyList<GatewayInfo> Gateways);

/// <summary>One gateway.</summary>
public sealed record GatewayInfo(string Host, int Port);

/// <summary>Where a registration stands.</summary>
public enum RegistrationPollState
{
    Pending,
    Approved,
    Expired,
    AlreadyClaimed,
}

/// <summary>One answer of the registration status endpoint.</summary>
public sealed record RegistrationPoll(RegistrationPollState State, string? NodeId, string? ApiKey);

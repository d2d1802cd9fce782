using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Nodes;

namespace Backupd.Tests.Processes;

/// <summary>A node enrolled over REST (register, approve, claim) without a node process: its id and API key.</summary>
public sealed record NodeEnrolment(string NodeId, string ApiKey)
{
    public static async Task<NodeEnrolment> EnrolAsync(MasterApi api)
    {
        var code = RegistrationCodes.NewCode();
        var secret = RegistrationCodes.NewSecret();
        using var _ = await api.RegisterAsync(code, secret);
        using var __ = await api.ApproveAsync(code);
        using var claimed = await api.PollAsync(code, secret);
        var body = await claimed.Content.ReadFromJsonAsync<JsonElement>();
        return new NodeEnrolment(body.GetProperty("nodeId").GetString()!, body.GetProperty("apiKey").GetString()!);
    }
}

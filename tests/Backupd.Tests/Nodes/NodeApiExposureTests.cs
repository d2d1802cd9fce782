using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Backupd.Contracts.NodeApi;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Nodes;

/// <summary>
/// The node API on the network, with a master of its own whose per-address limit is small: what
/// an eavesdropper sees, and what idle or piled-up connections cost the master.
/// </summary>
public sealed class NodeApiExposureTests : IAsyncLifetime
{
    private const int PerAddressLimit = 4;
    private const string ProviderSecret = "wire-test-secret-Pq42";
    private static readonly Backupd.Contracts.Nodes.NodeCapabilities Capabilities = new("0.0.0-test", "test", [], 1);

    private readonly MasterProcess _master = new(extraEnvironment: new Dictionary<string, string>
    {
        ["BACKUPD_NODE_MAX_CONNECTIONS_PER_ADDRESS"] = PerAddressLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private MasterApi _api = null!;

    public async Task InitializeAsync()
    {
        await _master.StartAsync();
        _api = new MasterApi(_master.Http, await _master.IssueTokenAsync());
    }

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task Someone_on_the_wire_sees_neither_the_key_nor_the_sites_password_nor_a_signed_url()
    {
        var node = await NodeEnrolment.EnrolAsync(_api);
        await using var relay = new CapturingRelay(new IPEndPoint(IPAddress.Loopback, _master.NodeApiUrl.Port));
        // The node reaches the master through the relay; its certificate names 127.0.0.1, which the relay is too.
        using var api = Backupd.Node.Connection.NodeApiClient.Create(node.Identity with { NodeApiUrl = $"https://127.0.0.1:{relay.Port}" });
        var provider = await _api.CreateUnreachableS3ProviderAsync("wire", ProviderSecret);
        await _api.CreateJobAsync(node.NodeId, provider, new { path = "/srv/www/wire", db = new { password = "site-db-password-Wq7" } });

        await api.HeartbeatAsync(Capabilities, CancellationToken.None);
        var assignment = (await api.TakeJobAsync(CancellationToken.None))!;
        var storage = await api.GetJobStorageAsync(assignment.JobId, assignment.Attempt, provider, CancellationToken.None);
        Assert.Null(storage.S3!.SecretAccessKey);
        Assert.Contains("site-db-password-Wq7", assignment.ConfigJson, StringComparison.Ordinal);
        // A signed URL writes the job's bundle for a minute: whoever reads it could use it.
        var placed = await api.PlaceBundleAsync(assignment.JobId, assignment.Attempt, "wire", new string('a', 64), CancellationToken.None);
        var signed = await api.SendUploadStepAsync<PresignedRequest>(NodeApiRoutes.BundleUrl(assignment.JobId),
            new BundleUploadRequest(assignment.Attempt, placed.FullKey) { Size = 10, Sha256Hex = new string('a', 64) }, CancellationToken.None);
        var signature = System.Web.HttpUtility.ParseQueryString(new Uri(signed!.Url).Query)["X-Amz-Signature"]!;

        var wire = relay.Captured;
        Assert.NotEmpty(wire);
        foreach (var plain in new[] { node.ApiKey, ProviderSecret, "site-db-password-Wq7", signature, "bkdn_", "/node/v1/", "HTTP/1.1" })
        {
            Assert.True(wire.AsSpan().IndexOf(Encoding.UTF8.GetBytes(plain)) < 0, $"'{plain}' crossed the wire in clear");
        }
    }

    [Fact]
    public async Task A_connection_that_never_starts_its_handshake_is_closed_and_one_address_cannot_pile_them_up()
    {
        // The piled-up connections come from 127.0.0.3; a real node on 127.0.0.1 keeps working meanwhile.
        var node = await NodeEnrolment.EnrolAsync(_api);
        var attacker = IPAddress.Parse("127.0.0.3");
        var silent = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < PerAddressLimit; i++)
            {
                silent.Add(await RogueNode.SilentConnectionAsync(_master.NodeApiUrl, attacker));
            }

            // The kernel accepts all of them at once and Kestrel hands them to the limit on the
            // thread pool, in no set order: whichever comes last is the one over the limit.
            silent.Add(await RogueNode.SilentConnectionAsync(_master.NodeApiUrl, attacker));
            var closedAtOnce = await Task.WhenAll(silent.Select(socket => RogueNode.ClosedByServerAsync(socket, TimeSpan.FromSeconds(5))));
            Assert.True(closedAtOnce.Count(closed => closed) == 1, $"{closedAtOnce.Count(closed => closed)} of {silent.Count} connections from one address were closed at once; the one over the per-address limit should be");

            using (var api = node.Connect())
            {
                await api.HeartbeatAsync(Capabilities, CancellationToken.None);
            }

            // The handshake timeout is 10 s: the silent ones are closed by the master, not left open.
            foreach (var socket in silent)
            {
                Assert.True(await RogueNode.ClosedByServerAsync(socket, TimeSpan.FromSeconds(30)), "a connection that never started its handshake stayed open");
            }

            // Once they are gone the address may connect again (the master counts a closed
            // connection off just after closing it, so allow it a moment).
            var acceptedAgain = false;
            for (var attempt = 0; attempt < 10 && !acceptedAgain; attempt++)
            {
                using var again = await RogueNode.SilentConnectionAsync(_master.NodeApiUrl, attacker);
                acceptedAgain = !await RogueNode.ClosedByServerAsync(again, TimeSpan.FromSeconds(1));
            }

            Assert.True(acceptedAgain, "the address was still held at its limit after its connections closed");
        }
        finally
        {
            silent.ForEach(socket => socket.Dispose());
        }

        Assert.Contains($"Closed a node API connection from {attacker}: it already has {PerAddressLimit} open", _master.Output, StringComparison.Ordinal);
    }
}

using Backupd.Master.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The URL a node is given for the node API: <c>BACKUPD_NODE_API_URL</c>, else the first of
/// <c>BACKUPD_NODE_URLS</c> as written (the options make sure it names one address), with the
/// port Kestrel chose when it said 0.
/// </summary>
public sealed class NodeApiAddress(MasterOptions options, IServer server)
{
    /// <summary>The URL, without a trailing slash.</summary>
    public string Url
    {
        get
        {
            if (options.NodeApiUrl is { Length: > 0 } advertised)
            {
                return advertised.TrimEnd('/');
            }

            var first = MasterOptions.Binding(MasterOptions.ListOf(options.NodeUrls)[0])!;
            var port = first.Port;
            if (port == 0)
            {
                // Kestrel lists what it bound; the first https address is the first node URL's.
                var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(address => address.StartsWith("https://", StringComparison.Ordinal));
                port = bound is null ? 0 : MasterOptions.Binding(bound)?.Port ?? 0;
            }

            return $"https://{first.Host}:{port}";
        }
    }
}

using Backupd.Master.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Backupd.Master.NodeApi;

/// <summary>The URL a node is given for the node API: <c>BACKUPD_NODE_API_URL</c>, else where the first node endpoint listens.</summary>
public sealed class NodeApiAddress(MasterOptions options, IServer server)
{
    /// <summary>The URL, with the port Kestrel chose when the setting said 0.</summary>
    public string Url =>
        options.NodeApiUrl is { Length: > 0 } advertised
            ? advertised.TrimEnd('/')
            : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(address => address.StartsWith("https://", StringComparison.Ordinal))
              ?? MasterOptions.ListOf(options.NodeUrls)[0];
}

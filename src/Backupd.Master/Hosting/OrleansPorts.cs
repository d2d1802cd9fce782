using System.Net;
using System.Net.Sockets;
using Backupd.Hosting;
using Backupd.Master.Options;

namespace Backupd.Master.Hosting;

/// <summary>
/// The two ports the master's silo listens on. Orleans reports a taken port without saying which
/// one, so the master looks before it starts and names the setting that moves it.
/// </summary>
internal static class OrleansPorts
{
    /// <summary>Stops start-up, naming the port(s) another process holds.</summary>
    /// <exception cref="StartupFailedException">The silo or gateway port is taken.</exception>
    public static void EnsureFree(MasterOptions options)
    {
        var busy = Ports(options).Where(port => !IsFree(port.Endpoint)).ToList();
        if (busy.Count > 0)
        {
            throw new StartupFailedException(Describe(busy));
        }
    }

    /// <summary>The message for a port taken after <see cref="EnsureFree"/> looked: either may be it.</summary>
    public static string DescribeEither(MasterOptions options) => Describe(Ports(options));

    private static (string Setting, IPEndPoint Endpoint)[] Ports(MasterOptions options)
    {
        var gatewayAddress = IPAddress.TryParse(options.GatewayHost, out var parsed) ? parsed : IPAddress.Loopback;
        return
        [
            ("BACKUPD_SILO_PORT", new IPEndPoint(IPAddress.Loopback, options.SiloPort)),
            ("BACKUPD_GATEWAY_PORT", new IPEndPoint(gatewayAddress, options.GatewayPort)),
        ];
    }

    private static string Describe(IReadOnlyList<(string Setting, IPEndPoint Endpoint)> ports) =>
        $"Cannot listen on {string.Join(" or ", ports.Select(port => $"{port.Endpoint} ({port.Setting})"))}: the port is already in use, "
        + $"perhaps by another master. Stop the other process or set {string.Join(" or ", ports.Select(port => port.Setting))} to a free port.";

    private static bool IsFree(IPEndPoint endpoint)
    {
        try
        {
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(endpoint);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}

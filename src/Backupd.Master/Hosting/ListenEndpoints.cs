using System.Net;
using System.Net.Sockets;
using Backupd.Hosting;
using Backupd.Master.Options;

namespace Backupd.Master.Hosting;

/// <summary>
/// Where the master listens: its admin and node API URLs and the silo port. It looks at all of
/// them before it starts, so that a taken port stops it before it opens its database (Kestrel
/// binds last), and so that the message can name the setting (Orleans does not name its port).
/// </summary>
internal static class ListenEndpoints
{
    /// <summary>Stops start-up with one sentence per endpoint that cannot be listened on.</summary>
    /// <exception cref="StartupFailedException">An endpoint is taken or not usable here.</exception>
    public static void EnsureAvailable(MasterOptions options)
    {
        var problems = All(options)
            .Select(endpoint => (endpoint, Error: Probe(endpoint.Address)))
            .Where(found => found.Error is not null)
            .Select(found => Describe(found.endpoint, found.Error!))
            .ToList();
        if (problems.Count > 0)
        {
            throw new StartupFailedException(string.Join(" ", problems));
        }
    }

    /// <summary>The message for the silo port taken after <see cref="EnsureAvailable"/> looked.</summary>
    public static string DescribeTakenOrleansPort(MasterOptions options)
    {
        var silo = SiloEndpoint(options);
        return $"Cannot listen on {silo.Shown} ({silo.Setting}): another process took it as the master started. Stop it or set {silo.Setting} to a free port.";
    }

    /// <param name="Setting">The setting that chooses it.</param>
    /// <param name="Shown">How the message names it: the URL as configured, or address:port.</param>
    /// <param name="Address">What to bind.</param>
    private sealed record Endpoint(string Setting, string Shown, IPEndPoint Address);

    private static IEnumerable<Endpoint> All(MasterOptions options) =>
        UrlEndpoints(options.Urls, "BACKUPD_URLS").Concat(UrlEndpoints(options.NodeUrls, "BACKUPD_NODE_URLS")).Append(SiloEndpoint(options));

    private static Endpoint SiloEndpoint(MasterOptions options)
    {
        var silo = new IPEndPoint(IPAddress.Loopback, options.SiloPort);
        return new Endpoint("BACKUPD_SILO_PORT", silo.ToString(), silo);
    }

    // Port 0 (any free port) and host names other than localhost, which Kestrel binds to every
    // address, are left for Kestrel to report.
    private static IEnumerable<Endpoint> UrlEndpoints(string urls, string setting)
    {
        foreach (var url in MasterOptions.ListOf(urls))
        {
            var binding = MasterOptions.Binding(url);
            IPAddress? address = binding?.Host switch
            {
                null => null,
                var host when host.Equals("localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
                "*" or "+" => IPAddress.Any,
                var host => IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? ip : null,
            };
            if (address is not null && binding!.Port > 0)
            {
                yield return new Endpoint(setting, url, new IPEndPoint(address, binding.Port));
            }
        }
    }

    private static SocketException? Probe(IPEndPoint endpoint)
    {
        try
        {
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(endpoint);
            return null;
        }
        catch (SocketException ex)
        {
            return ex;
        }
    }

    private static string Describe(Endpoint endpoint, SocketException error) => (endpoint.Setting, error.SocketErrorCode) switch
    {
        ("BACKUPD_URLS" or "BACKUPD_NODE_URLS", SocketError.AddressAlreadyInUse) =>
            $"Cannot listen on {endpoint.Shown}: the address is already in use. Stop the other process or set {endpoint.Setting} to a free address.",
        (_, SocketError.AddressAlreadyInUse) =>
            $"Cannot listen on {endpoint.Shown} ({endpoint.Setting}): the port is already in use, perhaps by another master. Stop the other process or set {endpoint.Setting} to a free port.",
        _ => $"Cannot listen on {endpoint.Shown} ({endpoint.Setting}): {StartupFailedException.Reason(error)}. "
            + $"Set {endpoint.Setting} to an address of this machine and a port this user may open.",
    };
}

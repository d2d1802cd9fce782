using System.Net;
using System.Net.Sockets;
using Backupd.Hosting;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Http;

namespace Backupd.Master.Hosting;

/// <summary>
/// Where the master listens: its HTTP URLs, the silo port and the gateway port. It looks at all
/// of them before it starts, so that a taken port stops it before it opens its database (Kestrel
/// binds last), and so that the message can name the setting (Orleans does not say which of its
/// two ports was taken).
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

    /// <summary>The message for an Orleans port taken after <see cref="EnsureAvailable"/> looked: either may be it.</summary>
    public static string DescribeTakenOrleansPort(MasterOptions options)
    {
        var ports = OrleansEndpoints(options).ToList();
        return $"Cannot listen on {string.Join(" or ", ports.Select(port => $"{port.Shown} ({port.Setting})"))}: another process took one of them "
            + $"as the master started. Stop it or set {string.Join(" or ", ports.Select(port => port.Setting))} to a free port.";
    }

    /// <param name="Setting">The setting that moves the port.</param>
    /// <param name="Settings">The settings that choose the address and port together.</param>
    /// <param name="Shown">How the message names it: the URL as configured, or address:port.</param>
    /// <param name="Address">What to bind.</param>
    private sealed record Endpoint(string Setting, string Settings, string Shown, IPEndPoint Address);

    private static IEnumerable<Endpoint> All(MasterOptions options) => HttpEndpoints(options).Concat(OrleansEndpoints(options));

    private static IEnumerable<Endpoint> OrleansEndpoints(MasterOptions options)
    {
        var gatewayAddress = IPAddress.TryParse(options.GatewayHost, out var parsed) ? parsed : IPAddress.Loopback;
        var silo = new IPEndPoint(IPAddress.Loopback, options.SiloPort);
        var gateway = new IPEndPoint(gatewayAddress, options.GatewayPort);
        yield return new Endpoint("BACKUPD_SILO_PORT", "BACKUPD_SILO_PORT", silo.ToString(), silo);
        yield return new Endpoint("BACKUPD_GATEWAY_PORT", "BACKUPD_GATEWAY_HOST and BACKUPD_GATEWAY_PORT", gateway.ToString(), gateway);
    }

    // Port 0 (any free port) and host names other than localhost, which Kestrel binds to every
    // address, are left for Kestrel to report.
    private static IEnumerable<Endpoint> HttpEndpoints(MasterOptions options)
    {
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var binding = BindingAddress.Parse(url);
            IPAddress? address = binding.Host switch
            {
                "localhost" => IPAddress.Loopback,
                "*" or "+" => IPAddress.Any,
                var host => IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? ip : null,
            };
            if (address is not null && binding.Port > 0)
            {
                yield return new Endpoint("BACKUPD_URLS", "BACKUPD_URLS", url, new IPEndPoint(address, binding.Port));
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
        ("BACKUPD_URLS", SocketError.AddressAlreadyInUse) =>
            $"Cannot listen on {endpoint.Shown}: the address is already in use. Stop the other process or set BACKUPD_URLS to a free address.",
        (_, SocketError.AddressAlreadyInUse) =>
            $"Cannot listen on {endpoint.Shown} ({endpoint.Setting}): the port is already in use, perhaps by another master. Stop the other process or set {endpoint.Setting} to a free port.",
        _ => $"Cannot listen on {endpoint.Shown} ({endpoint.Settings}): {StartupFailedException.Reason(error)}. "
            + $"Set {endpoint.Settings} to an address of this machine and a port this user may open.",
    };
}

using System.Net;
using System.Net.Sockets;

namespace Backupd.Storage;

/// <summary>
/// Connects the way <see cref="SocketsHttpHandler"/> would, but only to addresses outside the
/// refused networks. The check is on the addresses the name resolves to now, not on the name,
/// so a host name that points at a metadata service (or is changed to later) is refused too.
/// </summary>
public static class RefusingConnect
{
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, IReadOnlyList<IPNetwork> refused, CancellationToken cancellationToken)
    {
        var resolved = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = resolved.Where(address => !IsRefused(address, refused)).ToArray();
        if (allowed.Length == 0)
        {
            throw new RefusedAddressException(endpoint.Host, resolved.FirstOrDefault());
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 taken as IPv4) lies in one of <paramref name="refused"/>.</summary>
    public static bool IsRefused(IPAddress address, IReadOnlyList<IPNetwork> refused)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return refused.Any(network => network.Contains(plain));
    }
}

/// <summary>The endpoint's host resolves only to addresses the client was told never to connect to.</summary>
public sealed class RefusedAddressException(string host, IPAddress? address)
    : Exception($"{host} resolves to {address?.ToString() ?? "no address"}, which is in a refused network")
{
    /// <summary>The host of the endpoint.</summary>
    public string Host { get; } = host;

    /// <summary>The first address it resolved to.</summary>
    public IPAddress? Address { get; } = address;
}

using System.Net;
using System.Net.Sockets;

namespace Backupd.Master.Brakes;

/// <summary>
/// The unit every per-address limit counts in: an IPv4 address, or an IPv6 /64, since whoever
/// holds one address of a /64 usually holds all of them.
/// </summary>
public static class ClientAddress
{
    /// <summary>The group <paramref name="address"/> counts in (a client without one shares <see cref="IPAddress.None"/>).</summary>
    public static IPAddress Group(IPAddress? address)
    {
        address ??= IPAddress.None;
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var prefix = address.GetAddressBytes();
        Array.Clear(prefix, 8, 8);
        return new IPAddress(prefix);
    }

    /// <summary>The address as people read it: IPv4-mapped IPv6 shown as IPv4.</summary>
    public static string Display(IPAddress? address) =>
        address is null ? "unknown" : address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
}

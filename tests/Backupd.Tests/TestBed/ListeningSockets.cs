using System.Globalization;
using System.Net;

namespace Backupd.Tests.TestBed;

/// <summary>The addresses the kernel has listening TCP sockets on, read from <c>/proc/net</c>.</summary>
internal static class ListeningSockets
{
    private const string ListenState = "0A";

    public static async Task<IReadOnlyList<IPAddress>> AddressesForPortAsync(int port, CancellationToken cancellationToken)
    {
        var addresses = new List<IPAddress>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in (await File.ReadAllLinesAsync(table, cancellationToken)).Skip(1))
            {
                // "  0: 0100007F:0CEA 00000000:0000 0A ..." — local address:port in hex, then remote, then state.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] == ListenState && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    addresses.Add(ParseAddress(local[0]));
                }
            }
        }

        return addresses;
    }

    // The kernel prints each 32-bit word of the address in host (little-endian) order.
    private static IPAddress ParseAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPAddress(bytes);
    }
}

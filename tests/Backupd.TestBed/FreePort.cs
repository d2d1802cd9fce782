using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Backupd.TestBed;

/// <summary>
/// Picks loopback ports for test servers below the kernel's ephemeral range. A port the kernel
/// hands out for "port 0" comes from that range, so between our release and the server's bind
/// any outgoing connection (a test's HTTP or MySQL client) could be given it: that race made a
/// master fail with "address already in use" under a full suite. Ports below the range are only
/// ever taken by an explicit bind.
/// </summary>
public static class FreePort
{
    private const int Attempts = 3;
    private const int LowestPort = 10_000;

    // Test processes start many servers at once; a port handed out once is not handed out again
    // in this process, so two fixtures never race each other for it.
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();
    private static readonly Lazy<int> EphemeralStart = new(ReadEphemeralStart);

    /// <summary>A port nothing listens on at 127.0.0.1 right now, outside the ephemeral range.</summary>
    public static int Next()
    {
        var end = EphemeralStart.Value;
        if (end - LowestPort >= 1_000)
        {
            for (var tries = 0; tries < 200; tries++)
            {
                var port = Random.Shared.Next(LowestPort, end);
                if (HandedOut.TryAdd(port, 0) && CanBind(port))
                {
                    return port;
                }
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }

    /// <summary>
    /// Starts a server on a fresh port, and again on another one when the server reports that
    /// the port was taken between <see cref="Next"/> and its own bind.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, CancellationToken, Task<T>> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Next(), cancellationToken).ConfigureAwait(false);
            }
            catch (ServerStartException e) when (e.AddressInUse && attempt < Attempts)
            {
                // Another process won the race for the port; a new one is as good.
            }
        }
    }
}

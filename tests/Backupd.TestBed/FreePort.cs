using System.Net;
using System.Net.Sockets;

namespace Backupd.TestBed;

/// <summary>Picks loopback ports for test servers by letting the kernel choose one.</summary>
public static class FreePort
{
    private const int Attempts = 3;

    /// <summary>A port nothing listens on at 127.0.0.1 right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Backupd.Tests.Nodes;

/// <summary>
/// A TCP relay on 127.0.0.1 that keeps a copy of every byte it passes in either direction:
/// what someone on the network between a node and the master would see.
/// </summary>
internal sealed class CapturingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ConcurrentQueue<byte[]> _captured = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _relays = [];
    private readonly Task _accepting;

    public CapturingRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Everything that crossed the relay so far, both ways.</summary>
    public byte[] Captured => [.. _captured.SelectMany(chunk => chunk)];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }

            _relays.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_target, _stopping.Token);
                await Task.WhenAny(CopyAsync(client.GetStream(), upstream.GetStream()), CopyAsync(upstream.GetStream(), client.GetStream()));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // One side went away: the relay for this connection is done.
            }
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
        {
            _captured.Enqueue(buffer[..read]);
            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }
}

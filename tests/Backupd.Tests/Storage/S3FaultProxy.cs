using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security;
using System.Text;
using Backupd.TestBed;

namespace Backupd.Tests.Storage;

/// <summary>
/// An HTTP/1.1 proxy on 127.0.0.1 between an S3 client and s3rver that fails the requests a test
/// picks, can check signatures, and fills s3rver's multipart gaps (<see cref="S3rverMultipartShim"/>).
/// Each connection carries one request (the proxy says <c>Connection: close</c>), which keeps
/// the forwarding a plain byte copy.
/// </summary>
internal sealed class S3FaultProxy : IAsyncDisposable
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();
    private static readonly TimeSpan PartGateTimeout = TimeSpan.FromSeconds(5);

    private readonly S3rverServer _server;
    private readonly S3rverMultipartShim _shim;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly Task _accepting;
    private int _partsInFlight;
    private int _maxPartsInFlight;

    public S3FaultProxy(S3rverServer server)
    {
        _server = server;
        _shim = new S3rverMultipartShim(server);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string ServiceUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Picks the fault for each request; called concurrently.</summary>
    public Func<ProxiedRequest, ProxyFault> Faults { get; init; } = _ => ProxyFault.None;

    /// <summary>When set, requests not signed with this secret get 403 SignatureDoesNotMatch.</summary>
    public string? RequiredSecret { get; init; }

    /// <summary>The clock presigned URLs' expiry is checked against.</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>
    /// When set, an UploadPart is held (up to 5 s) until this many are in flight, so a test can
    /// tell parts that were sent in parallel from parts that merely could have been.
    /// </summary>
    public int? HoldPartsUntilInFlight { get; init; }

    /// <summary>Called with each request as it arrives.</summary>
    public Action<ProxiedRequest>? OnRequest { get; init; }

    public IReadOnlyCollection<ProxiedRequest> Requests => _requests;

    public int MaxPartsInFlight => Volatile.Read(ref _maxPartsInFlight);

    public static string ErrorXml(string code, string message) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message><RequestId>fault-proxy</RequestId></Error>";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections.Keys);
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

            var connection = ServeAsync(client);
            _connections[connection] = true;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (head, early) = await ReadHeadAsync(stream, _stopping.Token);
                var request = ProxiedRequest.Parse(head);
                _requests.Enqueue(request);
                OnRequest?.Invoke(request);
                await HandleAsync(client, stream, request, head, early);
            }
            catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up or was cut off on purpose; either way this connection is done.
            }
        }
    }

    private async Task HandleAsync(TcpClient client, NetworkStream stream, ProxiedRequest request, byte[] head, ArraySegment<byte> early)
    {
        if (RequiredSecret is not null && !SigV4Check.IsSignedWith(request, RequiredSecret))
        {
            await RespondAsync(stream, 403, ErrorXml("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."));
            return;
        }

        if (RequiredSecret is not null && SigV4Check.IsExpired(request, Now()))
        {
            await RespondAsync(stream, 403, ErrorXml("AccessDenied", "Request has expired"));
            return;
        }

        var fault = request.IsListUploads ? ProxyFault.None : Faults(request);
        if (fault == ProxyFault.AccessDenied)
        {
            await RespondAsync(stream, 403, ErrorXml("AccessDenied", "Access Denied"));
            return;
        }

        if (request.IsAbort)
        {
            var (status, body) = _shim.Abort(request);
            await RespondAsync(stream, status, body);
            return;
        }

        if (request.IsListParts)
        {
            var (status, body) = _shim.ListParts(request);
            await RespondAsync(stream, status, body);
            return;
        }

        if (request.IsListUploads)
        {
            var (status, body) = _shim.List(request);
            await RespondAsync(stream, status, body);
            return;
        }

        switch (fault)
        {
            case ProxyFault.InternalError:
                await RespondAsync(stream, 500, ErrorXml("InternalError", "We encountered an internal error. Please try again."));
                return;
            case ProxyFault.ResetConnection:
                await ContinueAsync(stream, request);
                await DrainAsync(stream, early.Count, stopAfter: 256 * 1024, _stopping.Token);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
            case ProxyFault.Hang:
                await ContinueAsync(stream, request);
                await DrainAsync(stream, early.Count, stopAfter: long.MaxValue, _stopping.Token);
                return;
            case ProxyFault.CorruptBody:
                await ForwardAsync(stream, request, head, early, corrupt: true);
                return;
            default:
                await ForwardAsync(stream, request, head, early, corrupt: false);
                return;
        }
    }

    private async Task ForwardAsync(NetworkStream stream, ProxiedRequest request, byte[] head, ArraySegment<byte> early, bool corrupt)
    {
        // A part stops counting as in flight as its answer arrives, before the client sees it: the
        // client's next part may start the moment it does, and must not be counted beside this one.
        var counted = request.IsUploadPart;
        if (counted)
        {
            var inFlight = Interlocked.Increment(ref _partsInFlight);
            InterlockedMax(ref _maxPartsInFlight, inFlight);
        }

        try
        {
            if (request.IsUploadPart && HoldPartsUntilInFlight is { } wanted)
            {
                var giveUp = DateTime.UtcNow + PartGateTimeout;
                while (Volatile.Read(ref _partsInFlight) < wanted && DateTime.UtcNow < giveUp)
                {
                    await Task.Delay(10, _stopping.Token);
                }
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _server.Port, _stopping.Token);
            var upstreamStream = upstream.GetStream();
            await upstreamStream.WriteAsync(WithConnectionClose(head), _stopping.Token);

            // s3rver closes after its answer (Connection: close), which ends the exchange; the
            // body and any 100 Continue flow through the two copies meanwhile.
            var requestBody = CopyBodyAsync(stream, upstreamStream, early, corrupt, _stopping.Token);
            var answer = new byte[64 * 1024];
            int read;
            while ((read = await upstreamStream.ReadAsync(answer, _stopping.Token)) > 0)
            {
                if (counted && HasFinalStatus(answer.AsSpan(0, read)))
                {
                    counted = false;
                    Interlocked.Decrement(ref _partsInFlight);
                }

                await stream.WriteAsync(answer.AsMemory(0, read), _stopping.Token);
            }

            _ = requestBody.ContinueWith(copy => copy.Exception, TaskScheduler.Default);
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref _partsInFlight);
            }
        }
    }

    // A status line that is not an interim one (100 Continue): the answer to the request.
    private static bool HasFinalStatus(ReadOnlySpan<byte> bytes)
    {
        var status = "HTTP/1.1 "u8;
        for (var rest = bytes; rest.IndexOf(status) is var at and >= 0; rest = rest[(at + 1)..])
        {
            if (at + status.Length < rest.Length && rest[at + status.Length] != (byte)'1')
            {
                return true;
            }
        }

        return false;
    }

    private static async Task CopyBodyAsync(NetworkStream client, NetworkStream upstream, ArraySegment<byte> early, bool corrupt, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        early.CopyTo(buffer);
        var filled = early.Count;
        while (true)
        {
            if (filled == 0 && (filled = await client.ReadAsync(buffer, cancellationToken)) == 0)
            {
                return;
            }

            if (corrupt)
            {
                buffer[0] ^= 0xFF;
                corrupt = false;
            }

            await upstream.WriteAsync(buffer.AsMemory(0, filled), cancellationToken);
            filled = 0;
        }
    }

    private static async Task<(byte[] Head, ArraySegment<byte> Early)> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The client closed the connection before sending a request.");
            }

            filled += read;
            var end = buffer.AsSpan(0, filled).IndexOf(EndOfHead);
            if (end >= 0)
            {
                var headLength = end + EndOfHead.Length;
                return (buffer[..headLength], new ArraySegment<byte>(buffer, headLength, filled - headLength));
            }

            if (filled == buffer.Length)
            {
                throw new IOException("The request head is larger than 64 KiB.");
            }
        }
    }

    private static byte[] WithConnectionClose(byte[] head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n").Where(line => line.Length > 0)
            .Where(line => !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n");
    }

    private static async Task ContinueAsync(NetworkStream stream, ProxiedRequest request)
    {
        if (request.ExpectsContinue)
        {
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
        }
    }

    private static async Task DrainAsync(NetworkStream stream, long alreadyRead, long stopAfter, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        for (var total = alreadyRead; total < stopAfter;)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            total += read;
        }
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var reason = status switch { 200 => "OK", 204 => "No Content", 403 => "Forbidden", 404 => "Not Found", _ => "Internal Server Error" };
        var contentType = bytes.Length > 0 ? "Content-Type: application/xml\r\n" : string.Empty;
        var head = $"HTTP/1.1 {status} {reason}\r\n{contentType}Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
        // Closing with unread body bytes would reset the connection and could lose the answer,
        // so wait (briefly) for the client to read it and hang up.
        stream.Socket.Shutdown(SocketShutdown.Send);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, patience.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Backupd.Master.NodeApi;

/// <summary>
/// <c>GET /node/v1/signals</c>: the node's queue pushes "work available" and "cancel" through an
/// observer made here, in the master (a <see cref="NodeSignalSubscription"/>), and this writes them
/// to the node as server-sent events.
/// The observer is the master's own object, so no caller can hand the queue a reference to
/// anything else.
/// </summary>
internal static class NodeSignalStream
{
    // A comment line this often keeps proxies from closing the stream and lets either end notice a
    // dead one within seconds, even when no reset arrives (a network that drops everything).
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(5);

    // The queue grain keeps its observer in memory: renewing it now and then restores it after the grain moved or restarted.
    private static readonly TimeSpan ResubscribeInterval = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(HttpContext context, IGrainFactory grains, NodeSignalStreams streams, TimeProvider time)
    {
        var (session, apiKey) = NodeApiEndpoints.Caller(context, grains);
        using var stream = streams.Open(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, out var replaced);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, replaced);
        using var subscription = new NodeSignalSubscription(grains);
        try
        {
            // Refused here (a wrong key, a disabled node) it is still an ordinary 403, before any event is sent.
            await session.SubscribeJobsAsync(apiKey, subscription.Reference);
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await WriteAsync(context, ": connected\n\n");
            var ct = ended.Token;
            var resubscribeAt = time.GetUtcNow() + ResubscribeInterval;
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(KeepAliveInterval);
                try
                {
                    var (name, data) = await subscription.ReadAsync(wait.Token);
                    await WriteAsync(context, $"event: {name}\ndata: {data}\n\n");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await WriteAsync(context, ": ping\n\n");
                }

                if (time.GetUtcNow() >= resubscribeAt)
                {
                    await session.SubscribeJobsAsync(apiKey, subscription.Reference);
                    resubscribeAt = time.GetUtcNow() + ResubscribeInterval;
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The node went away, its connection was closed because it was disabled, or it opened a newer stream.
        }
        catch (UnauthorizedAccessException) when (context.Response.HasStarted)
        {
            // Refused at a renewal of the subscription: the stream just ends; the node's next call hears why.
        }
    }

    private static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}

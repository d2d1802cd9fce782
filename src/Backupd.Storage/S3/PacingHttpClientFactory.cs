using System.Net;
using Amazon.Runtime;

namespace Backupd.Storage;

/// <summary>The S3 client's HTTP stack: the SDK's requests, with upload bodies paced by <see cref="PacingHandler"/>.</summary>
internal sealed class PacingHttpClientFactory(RequestBodyPacing pacing, IReadOnlyList<IPNetwork> refusedNetworks) : HttpClientFactory
{
    // A host that drops connection attempts (a firewall) fails after this rather than after the
    // operating system's two minutes; the retry policy then tries again.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => Create(pacing, refusedNetworks, clientConfig.AllowAutoRedirect);

    /// <summary>An HTTP client whose request bodies are paced, that never connects to <paramref name="refusedNetworks"/>.</summary>
    public static HttpClient Create(RequestBodyPacing pacing, IReadOnlyList<IPNetwork> refusedNetworks, bool allowAutoRedirect)
    {
        var transport = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            AllowAutoRedirect = allowAutoRedirect,
        };
        if (refusedNetworks.Count > 0)
        {
            transport.ConnectCallback = (context, cancellationToken) => RefusingConnect.ConnectAsync(context.DnsEndPoint, refusedNetworks, cancellationToken);
        }

        // Request timeouts are the retry policy's watchdog: a fixed one would cut off a large
        // part on a slow, bandwidth-limited link.
        return new HttpClient(new PacingHandler(pacing) { InnerHandler = transport }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // Null: one HttpClient per S3 client, disposed with it. A globally shared one would carry
    // another storage's pacing.
    public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;
}

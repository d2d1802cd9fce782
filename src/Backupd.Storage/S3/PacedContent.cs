using System.Net;

namespace Backupd.Storage;

/// <summary>A request body whose bytes pass through a <see cref="TransferScope"/> on their way to the socket.</summary>
internal sealed class PacedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly TransferScope _scope;

    public PacedContent(HttpContent inner, TransferScope scope)
    {
        _inner = inner;
        _scope = scope;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _inner.CopyToAsync(new PacedWriteStream(stream, _scope), context, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

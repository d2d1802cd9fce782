namespace Backupd.Storage;

/// <summary>Sends the body of a request made inside a <see cref="TransferScope"/> through it.</summary>
internal sealed class PacingHandler(RequestBodyPacing pacing) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (pacing.Current is { } scope && request.Content is { } content)
        {
            request.Content = new PacedContent(content, scope);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

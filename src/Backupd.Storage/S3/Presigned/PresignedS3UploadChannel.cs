using System.Net;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Contracts.NodeApi;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// A node's upload requests: bodies go to URLs the master signed for them, one URL per try, so
/// a URL is always fresh and a retry after a lost lease is refused at the master; starting,
/// completing, aborting and checking the upload are the master's, asked over the node API.
/// </summary>
internal sealed class PresignedS3UploadChannel(IBundleUploadGrants grants, HttpClient http, S3RetryPolicy retry) : IS3UploadChannel
{
    public Task<MultipartUploadStarted> InitiateAsync(string fullKey, BundleUpload upload, long partSize, CancellationToken cancellationToken) =>
        grants.StartMultipartAsync(fullKey, upload.Size, upload.Sha256Hex, partSize, cancellationToken);

    public async Task<string?> UploadPartAsync(string fullKey, string uploadId, BundleUpload upload, BundlePart part, CancellationToken cancellationToken)
    {
        var signed = await grants.SignPartAsync(fullKey, uploadId, part.Number, cancellationToken).ConfigureAwait(false);
        return await SendAsync(signed, upload.LocalPath, part.Offset, part.Length, part.Md5, cancellationToken).ConfigureAwait(false);
    }

    public Task CompleteAsync(string fullKey, string uploadId, List<PartETag> etags, CancellationToken cancellationToken) =>
        grants.CompleteMultipartAsync(fullKey, uploadId, [.. etags.Select(etag => new UploadedPart(etag.PartNumber ?? 0, etag.ETag))], cancellationToken);

    public Task AbortAsync(string fullKey, string uploadId, CancellationToken cancellationToken) =>
        grants.AbortMultipartAsync(fullKey, uploadId, cancellationToken);

    public async Task<string?> PutAsync(string fullKey, BundleUpload upload, BundleDigest digest, CancellationToken cancellationToken)
    {
        var signed = await grants.SignPutAsync(fullKey, upload.Size, upload.Sha256Hex, cancellationToken).ConfigureAwait(false);
        return await SendAsync(signed, upload.LocalPath, 0, upload.Size, digest.Md5, cancellationToken).ConfigureAwait(false);
    }

    public Task VerifyAsync(string fullKey, BundleDigest digest, bool multipart, CancellationToken cancellationToken)
    {
        var checksums = new BundleChecksums(Convert.ToHexStringLower(digest.Md5), [.. digest.PartMd5s.Select(Convert.ToHexStringLower)], multipart);
        return retry.RunAsync(
            $"having the master check the stored copy of {fullKey}",
            async deadline =>
            {
                await grants.VerifyAsync(fullKey, digest.Size, digest.Sha256Hex, checksums, deadline.Token).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    private async Task<string?> SendAsync(PresignedRequest signed, string path, long offset, long length, byte[] md5, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(signed.Method), signed.Url)
        {
            Content = new FileSectionContent(path, offset, length),
        };
        request.Content.Headers.ContentMD5 = md5;
        foreach (var (name, value) in signed.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response.Headers.ETag?.Tag ?? (response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null);
        }

        throw await ErrorAsync(response, cancellationToken).ConfigureAwait(false);
    }

    // The store's error document, as the SDK would have raised it, so that retries and messages
    // treat a presigned request's failure exactly like a signed one's.
    internal static async Task<AmazonS3Exception> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? code = null, message = null, requestId = null;
        try
        {
            var error = XDocument.Parse(body).Root;
            code = error?.Element("Code")?.Value;
            message = error?.Element("Message")?.Value;
            requestId = error?.Element("RequestId")?.Value;
        }
        catch (System.Xml.XmlException)
        {
            // Not an S3 error document (a proxy's page): the status alone tells.
        }

        var status = response.StatusCode;
        return new AmazonS3Exception(
            message ?? $"HTTP {(int)status} {response.ReasonPhrase}",
            (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender,
            code ?? (status == HttpStatusCode.Forbidden ? "Forbidden" : status.ToString()),
            requestId ?? string.Empty,
            status);
    }
}

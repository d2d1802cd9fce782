using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Amazon.S3;
using Amazon.S3.Model;
using Backupd.Modules;
using Backupd.Contracts.NodeApi;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// One bundle sent as a multipart upload: parts go up in parallel while later ones are still
/// being hashed, each with its Content-MD5; any failure or cancel aborts the upload, so no
/// orphan parts are left to be billed.
/// </summary>
internal sealed class S3MultipartUpload(
    IS3UploadChannel channel,
    S3StorageSettings settings,
    S3UploadOptions options,
    S3RetryPolicy retry,
    S3Requests requests,
    S3ErrorTranslator errors,
    TimeProvider timeProvider)
{
    // Aborting is cleanup after a failure or a cancel; it gets its own time, not the caller's.
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Uploads and completes; returns the digest read on the way.</summary>
    public async Task<BundleDigest> RunAsync(BundleUpload upload, string fullKey, long partSize, UploadProgress progress, CancellationToken cancellationToken)
    {
        var started = await retry.RunAsync(
            $"starting the multipart upload of {fullKey}",
            deadline => channel.InitiateAsync(fullKey, upload, partSize, deadline.Token),
            cancellationToken).ConfigureAwait(false);
        var uploadId = started.UploadId;
        var stored = started.Stored.GroupBy(part => part.Number).ToDictionary(parts => parts.Key, parts => parts.Last());
        try
        {
            var (digest, etags) = await UploadPartsAsync(upload, fullKey, uploadId, partSize, stored, progress, cancellationToken).ConfigureAwait(false);
            S3BundleUploader.RequireExpectedSha256(upload, digest);
            await CompleteAsync(fullKey, uploadId, etags, cancellationToken).ConfigureAwait(false);
            return digest;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && upload.KeepWhenCancelled?.Invoke() == true)
        {
            // Interrupted, not given up: the parts stored are the next attempt's head start.
            throw;
        }
        catch (Exception failure)
        {
            var abortError = await AbortAsync(fullKey, uploadId).ConfigureAwait(false);
            if (abortError is null || failure is OperationCanceledException)
            {
                throw;
            }

            throw new ModuleFailedException(
                $"{errors.Explain(failure)} The incomplete upload could not be aborted either ({abortError}); remove it with "
                + $"`aws s3api abort-multipart-upload --bucket {settings.Bucket} --key {fullKey} --upload-id {uploadId}`, "
                + "or let a bucket lifecycle rule (AbortIncompleteMultipartUpload) do it.",
                failure) { Transient = failure is ModuleFailedException { Transient: true } };
        }
    }

    private Task<bool> CompleteAsync(string fullKey, string uploadId, List<PartETag> etags, CancellationToken cancellationToken)
    {
        var attempts = 0;
        return retry.RunAsync(
            $"completing the multipart upload of {fullKey}",
            async deadline =>
            {
                try
                {
                    attempts++;
                    await channel.CompleteAsync(fullKey, uploadId, etags, deadline.Token).ConfigureAwait(false);
                    return true;
                }
                catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchUpload" && attempts > 1)
                {
                    // An earlier try completed the upload but its answer was lost; the
                    // verification that follows tells whether the object is whole.
                    return false;
                }
            },
            cancellationToken);
    }

    private async Task<(BundleDigest Digest, List<PartETag> ETags)> UploadPartsAsync(
        BundleUpload upload, string fullKey, string uploadId, long partSize, Dictionary<int, StoredPart> stored, UploadProgress progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Hashing runs at most a few parts ahead of the uploads.
        var channel = Channel.CreateBounded<BundlePart>(new BoundedChannelOptions(options.MaxParallelParts) { SingleWriter = true });
        var digesting = BundleDigest.ReadAsync(upload.LocalPath, partSize, channel.Writer, stop.Token);
        var etags = new PartETag?[BundleDigest.PartCount(upload.Size, partSize)];
        Exception? firstFailure = null;

        async Task WorkAsync()
        {
            try
            {
                await foreach (var part in channel.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    etags[part.Number - 1] = AlreadyStored(stored, part) is { } kept
                        ? Skip(kept, part, progress)
                        : await UploadPartAsync(upload, fullKey, uploadId, part, progress, stop.Token).ConfigureAwait(false);
                }
            }
            catch (Exception error)
            {
                // Only the first real failure matters; the others are its cancellation echoing.
                if (!(error is OperationCanceledException && stop.IsCancellationRequested))
                {
                    Interlocked.CompareExchange(ref firstFailure, error, null);
                }

                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        var workers = Enumerable.Range(0, Math.Min(options.MaxParallelParts, etags.Length)).Select(_ => WorkAsync()).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        if (firstFailure is not null || cancellationToken.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await digesting.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The part failure (or the cancel) is the story; the hashing only stopped because of it.
            }

            cancellationToken.ThrowIfCancellationRequested();
            ExceptionDispatchInfo.Throw(firstFailure!);
        }

        BundleDigest digest;
        try
        {
            digest = await digesting.ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ModuleFailedException($"Reading the bundle {upload.LocalPath} for upload failed: {error.Message}", error);
        }

        return (digest, etags.Select(etag => etag ?? throw new InvalidOperationException("A part was never uploaded.")).ToList());
    }

    // A part an earlier try stored counts only when the store's ETag is the MD5 of this part of
    // the file as read now, at its full length: an opaque ETag (SSE-KMS) proves nothing, so such
    // a part is sent again.
    private static StoredPart? AlreadyStored(Dictionary<int, StoredPart> stored, BundlePart part) =>
        stored.TryGetValue(part.Number, out var kept) && kept.Size == part.Length && S3ETag.Normalize(kept.ETag) == Convert.ToHexStringLower(part.Md5)
            ? kept
            : null;

    private static PartETag Skip(StoredPart kept, BundlePart part, UploadProgress progress)
    {
        progress.Add(part.Length);
        return new PartETag(part.Number, kept.ETag);
    }

    private Task<PartETag> UploadPartAsync(BundleUpload upload, string fullKey, string uploadId, BundlePart part, UploadProgress progress, CancellationToken cancellationToken) =>
        retry.RunAsync(
            $"uploading part {part.Number} of {part.Count} of {fullKey}",
            async deadline =>
            {
                using var scope = requests.BeginTransfer(upload.Bandwidth, progress, deadline);
                var etag = await channel.UploadPartAsync(fullKey, uploadId, upload, part, deadline.Token).ConfigureAwait(false);
                S3ETag.RequireSentMd5(etag, part.Md5, part.Number);
                scope.Keep();
                return new PartETag(part.Number, etag);
            },
            cancellationToken);

    /// <returns>Null when aborted, else why not.</returns>
    private async Task<string?> AbortAsync(string fullKey, string uploadId)
    {
        using var timeout = new CancellationTokenSource(AbortTimeout, timeProvider);
        try
        {
            await retry.RunAsync(
                $"aborting the multipart upload of {fullKey}",
                async deadline =>
                {
                    await channel.AbortAsync(fullKey, uploadId, deadline.Token).ConfigureAwait(false);
                    return true;
                },
                timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (ModuleFailedException error)
        {
            return error.Message;
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {AbortTimeout.TotalMinutes:0} minutes";
        }
    }
}

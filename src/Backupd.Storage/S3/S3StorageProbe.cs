using Amazon.S3;
using Backupd.Modules;

namespace Backupd.Storage;

/// <summary>Write, read back, delete: the provider test behind <see cref="S3BundleStorage.ProbeAsync"/>.</summary>
internal sealed class S3StorageProbe(IAmazonS3 client, S3Requests requests, S3RetryPolicy retry)
{
    public async Task<StorageProbeResult> RunAsync(string key, CancellationToken cancellationToken)
    {
        var content = "backupd storage probe: safe to delete\n"u8.ToArray();
        try
        {
            await retry.RunAsync($"writing the probe object {key}", deadline => client.PutObjectAsync(requests.PutSmall(key, content), deadline.Token), cancellationToken, maxAttempts: 1).ConfigureAwait(false);
        }
        catch (ModuleFailedException error)
        {
            return new StorageProbeResult(StorageProbeStep.Write, error.Message);
        }

        var readError = await ReadErrorAsync(key, content, cancellationToken).ConfigureAwait(false);
        try
        {
            await retry.RunAsync($"deleting the probe object {key}", deadline => client.DeleteObjectAsync(requests.Delete(key), deadline.Token), cancellationToken, maxAttempts: 1).ConfigureAwait(false);
        }
        catch (ModuleFailedException error)
        {
            return readError is null
                ? new StorageProbeResult(StorageProbeStep.Delete, error.Message)
                : new StorageProbeResult(StorageProbeStep.Read, $"{readError} Deleting the probe object failed too: {error.Message}");
        }

        return readError is null ? StorageProbeResult.Passed : new StorageProbeResult(StorageProbeStep.Read, readError);
    }

    private async Task<string?> ReadErrorAsync(string key, byte[] expected, CancellationToken cancellationToken)
    {
        try
        {
            var read = await retry.RunAsync(
                $"reading the probe object {key}",
                async deadline =>
                {
                    using var response = await client.GetObjectAsync(requests.Get(key), deadline.Token).ConfigureAwait(false);
                    using var copy = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(copy, deadline.Token).ConfigureAwait(false);
                    return copy.ToArray();
                },
                cancellationToken,
                maxAttempts: 1).ConfigureAwait(false);
            return read.AsSpan().SequenceEqual(expected)
                ? null
                : $"The probe object {key} came back with {read.Length} different bytes instead of the {expected.Length} written; the store or something between damages data.";
        }
        catch (ModuleFailedException error)
        {
            return error.Message;
        }
    }
}

using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Backupd.Storage;

/// <summary>Builds the one S3 client a <see cref="S3BundleStorage"/> uses, set up for AWS and compatible stores alike.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StorageSettings settings, RequestBodyPacing pacing, IReadOnlyList<System.Net.IPNetwork> refusedNetworks)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            // SDK 4 adds CRC checksums, sent as aws-chunked trailers, to every upload by default;
            // s3rver and several compatible stores reject those or store the framing as data.
            // Integrity comes from Content-MD5 on every request body and the final verification.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // S3RetryPolicy retries, so attempts are counted and backed off in one place.
            MaxErrorRetry = 0,
            MaxStaleConnectionRetries = 0,
            // The retry policy's watchdog times requests out by lack of progress instead.
            Timeout = Timeout.InfiniteTimeSpan,
            // Where to go is the provider's setting, not an AWS_ENDPOINT_URL in the node's environment.
            IgnoreConfiguredEndpointUrls = true,
            HttpClientFactory = new PacingHttpClientFactory(pacing, refusedNetworks),
        };

        if (settings.HasCustomEndpoint)
        {
            config.ServiceURL = settings.Endpoint!.Trim();
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }

        return new AmazonS3Client(new BasicAWSCredentials(settings.AccessKeyId, settings.SecretAccessKey), config);
    }
}

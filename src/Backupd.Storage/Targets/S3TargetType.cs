using System.Text.RegularExpressions;
using Backupd.Contracts.Storage;
using Backupd.Modules.Storage;

namespace Backupd.Storage.Targets;

/// <summary>An S3-compatible bucket (AWS, Backblaze B2, Cloudflare R2, MinIO, Wasabi…).</summary>
public sealed partial class S3TargetType : IStorageTargetType
{
    public string Name => StorageTypes.S3;

    public bool ReachableFromMaster => true;

    public void Validate(StorageTargetFields fields, StorageValidationRules rules, List<StorageFieldError> errors)
    {
        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(fields.Endpoint)
            && (!Uri.TryCreate(fields.Endpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors.Add(new("endpoint", "must be an http:// or https:// URL, e.g. https://s3.us-west-004.backblazeb2.com, or empty for AWS"));
        }
        else if (endpoint is not null && System.Net.IPAddress.TryParse(endpoint.IdnHost, out var address) && RefusingConnect.IsRefused(address, rules.RefusedNetworks))
        {
            // Host names are checked again at each connection, against what they resolve to then.
            errors.Add(new("endpoint", $"{address} is a link-local or cloud metadata address, which the master does not connect to (BACKUPD_PROVIDER_REFUSED_NETWORKS)"));
        }

        if (string.IsNullOrWhiteSpace(fields.Region))
        {
            errors.Add(new("region", "is required, e.g. us-east-1 (AWS), us-west-004 (Backblaze B2), auto (Cloudflare R2)"));
        }

        if (fields.Bucket is null || !BucketName().IsMatch(fields.Bucket))
        {
            errors.Add(new("bucket", "must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"));
        }

        if (rules.RequireCredentials && string.IsNullOrEmpty(fields.AccessKeyId))
        {
            errors.Add(new("accessKeyId", "is required"));
        }

        if (rules.RequireCredentials && string.IsNullOrEmpty(fields.SecretAccessKey))
        {
            errors.Add(new("secretAccessKey", "is required"));
        }
    }

    public StorageProviderDefinition ToDefinition(string name, StorageTargetFields fields) =>
        new(name, Name, null, fields.NormalizedPrefix,
            new S3Location(string.IsNullOrEmpty(fields.Endpoint) ? null : fields.Endpoint, fields.Region!.Trim(), fields.Bucket!, fields.ForcePathStyle ?? false,
                string.IsNullOrEmpty(fields.AccessKeyId) ? null : fields.AccessKeyId, string.IsNullOrEmpty(fields.SecretAccessKey) ? null : fields.SecretAccessKey));

    public StorageTarget ToTarget(StorageTargetSettings settings)
    {
        var s3 = settings.S3 ?? throw new InvalidOperationException($"Provider {settings.ProviderId} has no S3 location.");
        return new S3Target(settings.ProviderId,
            new S3StorageSettings(s3.Endpoint, s3.Region, s3.Bucket, settings.Prefix, s3.ForcePathStyle, s3.AccessKeyId ?? "", s3.SecretAccessKey ?? ""));
    }

    public IBundleStorage Open(StorageTarget target, StorageOpenOptions options) => options.UploadGrants is { } grants
        ? new PresignedS3BundleStorage(((S3Target)target).Settings, grants, options.S3, options.Time)
        : new S3BundleStorage(((S3Target)target).Settings, options.S3, options.Time);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}

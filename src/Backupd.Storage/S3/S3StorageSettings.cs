namespace Backupd.Storage;

/// <summary>Where an S3-compatible bucket is and how to sign requests to it.</summary>
/// <param name="Endpoint">The service URL, such as <c>https://minio.example.net:9000</c>; null or empty for AWS itself.</param>
/// <param name="Region">The region requests are signed for (AWS: the bucket's region; most other stores accept <c>us-east-1</c>).</param>
/// <param name="Bucket">The bucket, which must exist.</param>
/// <param name="Prefix">A key prefix under which every bundle is stored; may be empty.</param>
/// <param name="ForcePathStyle">Address the bucket as <c>endpoint/bucket</c> rather than <c>bucket.endpoint</c>, as MinIO and most self-hosted stores need.</param>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key; never shown by <see cref="ToString"/>.</param>
public sealed record S3StorageSettings(
    string? Endpoint,
    string Region,
    string Bucket,
    string Prefix,
    bool ForcePathStyle,
    string AccessKeyId,
    string SecretAccessKey)
{
    /// <summary>True when <see cref="Endpoint"/> names a service other than AWS.</summary>
    public bool HasCustomEndpoint => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint for messages: the configured one, or AWS's for the region.</summary>
    public string EndpointForDisplay => HasCustomEndpoint ? Endpoint!.Trim() : $"https://s3.{Region}.amazonaws.com";

    /// <summary>The settings with the secret masked, so they can be logged.</summary>
    public override string ToString() =>
        $"S3StorageSettings {{ Endpoint = {EndpointForDisplay}, Region = {Region}, Bucket = {Bucket}, Prefix = {Prefix}, ForcePathStyle = {ForcePathStyle}, AccessKeyId = {AccessKeyId}, SecretAccessKey = *** }}";

    /// <summary>Refuses settings that cannot work, naming the field.</summary>
    /// <exception cref="ArgumentException">A field is missing or malformed.</exception>
    public void Validate()
    {
        if (HasCustomEndpoint
            && (!Uri.TryCreate(Endpoint!.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"The S3 endpoint '{Endpoint}' is not an http:// or https:// URL; leave it empty for AWS.", nameof(Endpoint));
        }

        Require(Region, nameof(Region), "the region requests are signed for, e.g. us-east-1");
        Require(Bucket, nameof(Bucket), "the bucket name");
        Require(AccessKeyId, nameof(AccessKeyId), "the access key id");
        Require(SecretAccessKey, nameof(SecretAccessKey), "the secret access key");
    }

    private static void Require(string value, string name, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The S3 setting {name} is empty; it must be {what}.", name);
        }
    }
}

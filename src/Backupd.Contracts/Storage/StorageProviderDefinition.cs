namespace Backupd.Contracts.Storage;

/// <summary>A storage provider as an admin defines it, secrets included (in-silo only; never stored or shown as given).</summary>
/// <param name="Name">A name people recognise, e.g. <c>nas-backups</c>.</param>
/// <param name="Type"><c>local</c> or <c>s3</c>.</param>
/// <param name="Path">For <c>local</c>: the absolute directory path on the node.</param>
/// <param name="Prefix">A key prefix under which every bundle is written; may be empty.</param>
/// <param name="S3">For <c>s3</c>: where and as whom.</param>
[GenerateSerializer, Immutable, Alias("backupd.storage.StorageProviderDefinition")]
public sealed record StorageProviderDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Path,
    [property: Id(3)] string Prefix,
    [property: Id(4)] S3Location? S3 = null);

/// <summary>An S3-compatible bucket and the credentials that write to it.</summary>
/// <param name="Endpoint">The service URL; null or empty for AWS itself.</param>
/// <param name="Region">The region, e.g. <c>us-east-1</c> or <c>eu-central-003</c> (Backblaze B2).</param>
/// <param name="Bucket">The bucket.</param>
/// <param name="ForcePathStyle">Address the bucket as a path (<c>https://host/bucket</c>), as MinIO and most self-hosted stores need.</param>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret key: plain only in flight inside the master and to the node running a job.</param>
[GenerateSerializer, Immutable, Alias("backupd.storage.S3Location")]
public sealed record S3Location(
    [property: Id(0)] string? Endpoint,
    [property: Id(1)] string Region,
    [property: Id(2)] string Bucket,
    [property: Id(3)] bool ForcePathStyle,
    [property: Id(4)] string? AccessKeyId,
    [property: Id(5)] string? SecretAccessKey)
{
    /// <summary>Never shows the secret.</summary>
    public override string ToString() =>
        $"S3Location {{ Endpoint = {Endpoint}, Region = {Region}, Bucket = {Bucket}, ForcePathStyle = {ForcePathStyle}, AccessKeyId set = {AccessKeyId is not null}, SecretAccessKey set = {SecretAccessKey is not null} }}";
}

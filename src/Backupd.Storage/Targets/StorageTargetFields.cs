namespace Backupd.Storage.Targets;

/// <summary>A provider's storage settings as an admin sends them, before they are checked.</summary>
/// <param name="Type"><c>local</c> or <c>s3</c>.</param>
/// <param name="Path">For <c>local</c>: an absolute directory on the node.</param>
/// <param name="Prefix">Sub-directory (key prefix) for every bundle; optional.</param>
/// <param name="Endpoint">For <c>s3</c>: the service URL; empty for AWS.</param>
/// <param name="Region">For <c>s3</c>: the region.</param>
/// <param name="Bucket">For <c>s3</c>: the bucket.</param>
/// <param name="ForcePathStyle">For <c>s3</c>: path-style addressing.</param>
/// <param name="AccessKeyId">For <c>s3</c>: the access key id.</param>
/// <param name="SecretAccessKey">For <c>s3</c>: the secret key.</param>
public sealed record StorageTargetFields(
    string? Type, string? Path, string? Prefix,
    string? Endpoint = null, string? Region = null, string? Bucket = null, bool? ForcePathStyle = null,
    string? AccessKeyId = null, string? SecretAccessKey = null)
{
    /// <summary>The prefix without leading or trailing slashes.</summary>
    public string NormalizedPrefix => (Prefix ?? "").Trim('/');

    /// <summary>Never shows the credentials.</summary>
    public override string ToString() => $"StorageTargetFields {{ Type = {Type}, Bucket = {Bucket} }}";
}

/// <summary>One field at fault, named as the admin sent it, and how to put it right.</summary>
public readonly record struct StorageFieldError(string Field, string Message);

/// <summary>What checking a provider's fields depends on besides the fields.</summary>
/// <param name="RequireCredentials">Whether credentials must be given (creating; or a provider that becomes S3 now).</param>
/// <param name="RefusedNetworks">Networks the master never connects to (<c>BACKUPD_PROVIDER_REFUSED_NETWORKS</c>).</param>
public sealed record StorageValidationRules(bool RequireCredentials, IReadOnlyList<System.Net.IPNetwork> RefusedNetworks);

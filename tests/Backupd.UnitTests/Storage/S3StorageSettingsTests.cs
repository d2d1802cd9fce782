using Backupd.Storage;

namespace Backupd.Tests.Storage;

public sealed class S3StorageSettingsTests
{
    private static readonly S3StorageSettings Valid = new(null, "eu-central-1", "backups", "sites", false, "AKIDEXAMPLE", "secret-value");

    [Fact]
    public void Printing_settings_masks_the_secret()
    {
        var printed = Valid.ToString();

        Assert.DoesNotContain("secret-value", printed, StringComparison.Ordinal);
        Assert.Contains("SecretAccessKey = ***", printed, StringComparison.Ordinal);
        Assert.Contains("https://s3.eu-central-1.amazonaws.com", printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://example.net", "Endpoint")]
    [InlineData("not a url", "Endpoint")]
    public void A_malformed_endpoint_is_refused_by_name(string endpoint, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new S3BundleStorage(Valid with { Endpoint = endpoint }));

        Assert.Equal(field, error.ParamName);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bucket_name_is_refused_by_name() =>
        Assert.Equal("Bucket", Assert.Throws<ArgumentException>(() => new S3BundleStorage(Valid with { Bucket = " " })).ParamName);

    [Fact]
    public void Parts_smaller_than_S3_allows_are_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new S3BundleStorage(Valid, new S3UploadOptions { PartSize = 1024 * 1024 }));

        Assert.Equal("PartSize", error.ParamName);
    }
}

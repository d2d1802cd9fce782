using System.Security.Cryptography;
using Backupd.Storage;

namespace Backupd.Tests.Storage;

public sealed class S3ETagTests
{
    private static readonly byte[] PartOne = [1, 2, 3];
    private static readonly byte[] PartTwo = [4, 5];

    [Fact]
    public void A_multipart_etag_is_the_md5_of_the_part_md5s_and_the_part_count()
    {
        var digest = Digest();

        // Worked out apart from this code, in Python: md5(md5(b"\1\2\3").digest() + md5(b"\4\5").digest()).
        Assert.Equal("c27a2faaf3ce99c27ce8c6e6d3cc8a57-2", S3ETag.Multipart(digest.PartMd5s));
        Assert.True(S3ETag.Matches("\"c27a2faaf3ce99c27ce8c6e6d3cc8a57-2\"", digest, multipart: true));
        Assert.True(S3ETag.Matches($"\"{Convert.ToHexStringLower(MD5.HashData([1, 2, 3, 4, 5]))}\"", digest, multipart: true));
        Assert.False(S3ETag.Matches("\"c27a2faaf3ce99c27ce8c6e6d3cc8a57-2\"", digest, multipart: false));
        Assert.False(S3ETag.Matches("\"00000000000000000000000000000000-2\"", digest, multipart: true));
    }

    [Theory]
    [InlineData("\"d41d8cd98f00b204e9800998ecf8427e\"", true)]
    [InlineData("\"D41D8CD98F00B204E9800998ECF8427E-12\"", true)]
    [InlineData("\"a7f3-opaque-kms-etag\"", false)]
    [InlineData(null, false)]
    public void Only_md5_shaped_etags_are_compared(string? etag, bool md5Shaped) =>
        Assert.Equal(md5Shaped, S3ETag.IsMd5Shaped(etag));

    private static BundleDigest Digest() =>
        new(5, string.Empty, MD5.HashData([1, 2, 3, 4, 5]), [MD5.HashData(PartOne), MD5.HashData(PartTwo)]);
}

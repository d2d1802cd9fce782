using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Backupd.Storage;

namespace Backupd.Tests.Storage;

public sealed class S3ErrorTranslatorTests
{
    private const string Secret = "s3cr3t-AbCdEf";
    private static readonly S3StorageSettings Settings = new("https://s3.example.net", "eu-west-1", "backups", "sites", true, "AKIDEXAMPLE", Secret);
    private readonly S3ErrorTranslator _translator = new(Settings);

    [Theory]
    [InlineData("AccessDenied", HttpStatusCode.Forbidden, "access key id 'AKIDEXAMPLE' is not allowed to do this (AccessDenied). Grant it s3:PutObject")]
    [InlineData("NoSuchBucket", HttpStatusCode.NotFound, "the bucket 'backups' does not exist (NoSuchBucket)")]
    [InlineData("SignatureDoesNotMatch", HttpStatusCode.Forbidden, "the secret access key does not belong to access key id 'AKIDEXAMPLE'")]
    [InlineData("InvalidAccessKeyId", HttpStatusCode.Forbidden, "does not know access key id 'AKIDEXAMPLE'")]
    [InlineData("AuthorizationHeaderMalformed", HttpStatusCode.BadRequest, "the bucket is not in region 'eu-west-1'")]
    [InlineData("SlowDown", HttpStatusCode.ServiceUnavailable, "HTTP 503 SlowDown")]
    public void Service_errors_say_what_to_fix(string code, HttpStatusCode status, string expected)
    {
        var error = new AmazonS3Exception("the service's own words", ErrorType.Sender, code, "request-1", status);

        var failure = _translator.Fail("uploading x", error, attempts: 1, stalledFor: null);

        Assert.StartsWith("S3 bucket 'backups' at https://s3.example.net: uploading x failed: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.Same(error, failure.InnerException);
    }

    [Fact]
    public void The_secret_never_appears_even_when_an_error_quotes_it()
    {
        var error = new AmazonS3Exception($"signing with {Secret} failed", ErrorType.Sender, "Odd", "request-1", HttpStatusCode.BadRequest);

        var failure = _translator.Fail("uploading x", error, attempts: 1, stalledFor: null);

        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, Settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown", true)]
    [InlineData(HttpStatusCode.BadRequest, "BadDigest", true)]
    [InlineData(HttpStatusCode.BadRequest, "RequestTimeout", true)]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied", false)]
    [InlineData(HttpStatusCode.NotFound, "NoSuchBucket", false)]
    public void Only_transient_service_errors_are_retried(HttpStatusCode status, string code, bool transient)
    {
        var error = new AmazonS3Exception("message", ErrorType.Unknown, code, "request-1", status);

        Assert.Equal(transient, S3RetryPolicy.IsTransient(error, stalledOut: false));
    }

    [Fact]
    public void Broken_connections_are_retried()
    {
        var reset = new HttpRequestException("copying failed", new IOException("reset", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));

        Assert.True(S3RetryPolicy.IsTransient(reset, stalledOut: false));
        Assert.False(S3RetryPolicy.IsTransient(new InvalidOperationException("a bug"), stalledOut: false));
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_is_capped()
    {
        var initial = TimeSpan.FromSeconds(1);

        Assert.Equal(TimeSpan.FromSeconds(0.5), S3RetryPolicy.Backoff(initial, 1, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(1), S3RetryPolicy.Backoff(initial, 1, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(4), S3RetryPolicy.Backoff(initial, 4, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(8), S3RetryPolicy.Backoff(initial, 4, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(30), S3RetryPolicy.Backoff(initial, 40, random: 1));
    }
}

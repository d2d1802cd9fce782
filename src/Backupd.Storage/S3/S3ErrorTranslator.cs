using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using Backupd.Modules;

namespace Backupd.Storage;

/// <summary>
/// Turns what the SDK and the network throw into one message that says what failed and what to
/// do about it. No message carries the secret access key.
/// </summary>
internal sealed class S3ErrorTranslator(S3StorageSettings settings)
{
    private string Endpoint => settings.EndpointForDisplay;

    public ModuleFailedException Fail(string action, Exception error, int attempts, TimeSpan? stalledFor)
    {
        var tries = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
        var why = stalledFor is { } stall
            ? $"nothing was sent or received for {stall.TotalSeconds:0.#} s; the network to {Endpoint} may be down, or too slow for the node's bandwidth limit."
            : Explain(error);
        return new ModuleFailedException(Redact($"S3 bucket '{settings.Bucket}' at {Endpoint}: {action} failed{tries}: {why}"), error);
    }

    /// <summary>Why <paramref name="error"/> happened and how to fix it, as a sentence.</summary>
    public string Explain(Exception error) => Redact(error switch
    {
        ModuleFailedException failed => failed.Message,
        AmazonServiceException service when NetworkCause(service) is { } network => ExplainNetwork(network),
        AmazonServiceException service => ExplainService(service),
        _ when NetworkCause(error) is { } network => ExplainNetwork(network),
        OperationCanceledException => $"{Endpoint} did not answer in time.",
        _ => error.Message,
    });

    /// <summary>The secret never leaves in a message, whatever the SDK or the network put in one.</summary>
    public string Redact(string message) =>
        settings.SecretAccessKey.Length == 0 ? message : message.Replace(settings.SecretAccessKey, "***", StringComparison.Ordinal);

    private string ExplainService(AmazonServiceException error)
    {
        var status = (int)error.StatusCode;
        // A node holds no credentials: an authorization failure is about the URL the master signed.
        var signedByMaster = settings.AccessKeyId.Length == 0;
        return error.ErrorCode switch
        {
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "AllAccessDisabled" or "Forbidden" or "RequestTimeTooSkewed" when signedByMaster =>
                $"the store refused the request the master signed ({error.ErrorCode}: {error.Message}). Test the provider on the master; if it passes, check that this node's and the master's clocks are right (the signature is good for minutes).",
            "InvalidAccessKeyId" =>
                $"the service does not know access key id '{settings.AccessKeyId}' (InvalidAccessKeyId). Check the provider's access key id, and that {Endpoint} is the service the key belongs to.",
            "SignatureDoesNotMatch" =>
                $"the secret access key does not belong to access key id '{settings.AccessKeyId}' (SignatureDoesNotMatch). Enter the provider's secret access key again.",
            "NoSuchBucket" =>
                $"the bucket '{settings.Bucket}' does not exist (NoSuchBucket). Create it, or fix the provider's bucket name.",
            "AccessDenied" or "AllAccessDisabled" =>
                $"access key id '{settings.AccessKeyId}' is not allowed to do this ({error.ErrorCode}). Grant it s3:PutObject, s3:GetObject, s3:DeleteObject, s3:ListBucket and s3:AbortMultipartUpload on bucket '{settings.Bucket}' for keys under '{settings.Prefix}'.",
            "AuthorizationHeaderMalformed" or "PermanentRedirect" or "IllegalLocationConstraintException" =>
                $"the bucket is not in region '{settings.Region}' ({error.ErrorCode}). Set the provider's region to the bucket's.",
            "InvalidBucketName" =>
                $"'{settings.Bucket}' is not a valid bucket name (InvalidBucketName). Fix the provider's bucket name.",
            "NoSuchKey" =>
                "the bundle is not in the bucket (NoSuchKey): it was deleted (by retention, a lifecycle rule or by hand) or the provider now points elsewhere.",
            "NoSuchUpload" =>
                "the multipart upload was gone before it finished (NoSuchUpload); a bucket lifecycle rule may abort incomplete uploads too early.",
            "RequestTimeTooSkewed" =>
                "this node's clock is more than 15 minutes off (RequestTimeTooSkewed). Synchronise it, e.g. timedatectl set-ntp true.",
            // HEAD requests carry no error body, so only the status tells.
            "NotFound" when status == 404 =>
                $"the bucket '{settings.Bucket}' or the object does not exist (HTTP 404).",
            "Forbidden" when status == 403 =>
                $"the service refused access (HTTP 403): the secret access key, the region '{settings.Region}' or the permissions of access key id '{settings.AccessKeyId}' are wrong.",
            _ when status >= 500 =>
                $"the service failed with HTTP {status} {error.ErrorCode}: {error.Message} It is having trouble; try again later.",
            _ => $"the service answered HTTP {status} {error.ErrorCode}: {error.Message}",
        };
    }

    private string ExplainNetwork(Exception error) => error switch
    {
        RefusedAddressException refused =>
            $"{refused.Host} resolves to {refused.Address}, a link-local or cloud metadata address this service refuses to connect to (BACKUPD_PROVIDER_REFUSED_NETWORKS). Use the storage's public or private address.",
        // Whatever the other end sent (an SSH or SMTP banner, say) stays out of the message: the
        // endpoint is the admin's to choose, and its banner is not the admin's to read through us.
        HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded }
            or HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded } =>
            $"{Endpoint} did not answer as an HTTP server. Check that the endpoint is the S3 service's URL, with the right scheme (http:// or https://) and port.",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
            $"the TLS handshake with {Endpoint} failed. Check that the endpoint speaks https:// on that port, and that its certificate is valid for its host name and trusted here.",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            $"nothing accepts connections at {Endpoint} (connection refused). Check the endpoint's host and port, and that the service is running.",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } =>
            $"the host name of {Endpoint} does not resolve ({error.Message}). Check the endpoint URL and this node's DNS.",
        SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown } =>
            $"{Endpoint} cannot be reached ({error.Message}). Check the endpoint URL, this node's network and any firewall in between.",
        TimeoutException =>
            $"{Endpoint} did not accept a connection in time ({error.Message}). Check the endpoint URL, this node's network and any firewall in between.",
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } =>
            $"the connection to {Endpoint} was cut ({error.Message}). Check this node's network and any proxy or firewall in between.",
        AuthenticationException =>
            $"the TLS handshake with {Endpoint} failed ({error.Message}). Check that the endpoint's certificate is valid for its host name and trusted by this node.",
        _ => $"the connection to {Endpoint} failed ({error.GetType().Name}).",
    };

    /// <summary>The most specific network failure behind <paramref name="error"/>, if it is one.</summary>
    internal static Exception? NetworkCause(Exception error)
    {
        Exception? found = null;
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is SocketException or TimeoutException or AuthenticationException or RefusedAddressException)
            {
                return current;
            }

            if (current is HttpRequestException or IOException or WebException)
            {
                found ??= current;
            }
        }

        return found;
    }
}

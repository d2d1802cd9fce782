using System.Net;
using Amazon.Runtime;
using Backupd.Modules;

namespace Backupd.Storage;

/// <summary>
/// Runs one S3 request with retries: on 5xx answers, throttling, timeouts, stalls and broken
/// connections, with exponential backoff and jitter. The SDK's own retries are off, so this is
/// the one place attempts are counted.
/// </summary>
internal sealed class S3RetryPolicy(S3UploadOptions options, TimeProvider timeProvider, S3ErrorTranslator errors)
{
    private static readonly TimeSpan MaximumBackoff = TimeSpan.FromSeconds(30);

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException",
        // The part arrived damaged (Content-MD5 mismatch): sending it again is the cure.
        "BadDigest",
    };

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good, or the caller cancels.</summary>
    /// <param name="action">What is being done, for the error message (e.g. "uploading part 3 of 9").</param>
    /// <param name="attempt">One try; it must use the deadline's token.</param>
    /// <param name="cancellationToken">Stops waiting and retrying.</param>
    /// <param name="maxAttempts">Overrides <see cref="S3UploadOptions.MaxAttempts"/>.</param>
    /// <exception cref="ModuleFailedException">The last attempt failed, or the failure was not transient.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<T> RunAsync<T>(string action, Func<AttemptDeadline, Task<T>> attempt, CancellationToken cancellationToken, int? maxAttempts = null)
    {
        var attempts = maxAttempts ?? options.MaxAttempts;
        for (var number = 1; ; number++)
        {
            using (var deadline = new AttemptDeadline(options.StallTimeout, timeProvider, cancellationToken))
            {
                try
                {
                    return await attempt(deadline).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not ModuleFailedException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var transient = IsTransient(error, deadline.StalledOut);
                    if (number >= attempts || !transient)
                    {
                        var failure = errors.Fail(action, error, number, deadline.StalledOut ? options.StallTimeout : null);
                        throw transient ? new ModuleFailedException(failure.Message, error) { Transient = true } : failure;
                    }
                }
            }

            await Task.Delay(Backoff(options.InitialBackoff, number, Random.Shared.NextDouble()), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The wait after <paramref name="failedAttempts"/> failures: the initial backoff doubled per
    /// failure, capped, then "equal jitter": at least half of it, so retries still slow down, plus
    /// a random share of the other half, so parts that failed together do not retry together.
    /// </summary>
    internal static TimeSpan Backoff(TimeSpan initial, int failedAttempts, double random)
    {
        var exponential = initial * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var capped = exponential > MaximumBackoff ? MaximumBackoff : exponential;
        return (capped / 2) + (capped / 2 * random);
    }

    internal static bool IsTransient(Exception error, bool stalledOut)
    {
        if (stalledOut || error is PartChecksumMismatchException)
        {
            return true;
        }

        if (error is AmazonServiceException service && service.StatusCode != 0)
        {
            var status = (int)service.StatusCode;
            return status >= 500
                || service.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                || TransientCodes.Contains(service.ErrorCode ?? string.Empty);
        }

        // Not the caller's token: HttpClient or the connect timeout gave up.
        return error is OperationCanceledException || S3ErrorTranslator.NetworkCause(error) is not null;
    }
}

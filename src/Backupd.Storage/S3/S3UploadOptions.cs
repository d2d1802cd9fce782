namespace Backupd.Storage;

/// <summary>How <see cref="S3BundleStorage"/> sends bundles.</summary>
public sealed class S3UploadOptions
{
    /// <summary>S3 refuses multipart parts smaller than this, except the last.</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>
    /// Bundles up to this size go in one request; larger ones in parts of this size. 64 MiB keeps
    /// a retried part cheap on a slow link while a 600 GiB bundle still fits S3's 10,000 parts
    /// (beyond that, parts grow to fit).
    /// </summary>
    public long PartSize { get; init; } = 64L * 1024 * 1024;

    /// <summary>Parts sent at once; the node passes its network-slot count.</summary>
    public int MaxParallelParts { get; init; } = 2;

    /// <summary>Tries per request (the first one included) before a transient failure is final.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// The wait before the second try; it doubles for each try after, with jitter. One second
    /// rides out a store's brief restart; five tries give up after about a quarter of a minute.
    /// </summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A request that sends nothing and hears nothing for this long is abandoned and tried again.
    /// Five minutes, because S3 may take minutes to assemble a large multipart object.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Addresses the client never connects to, whatever the endpoint's host name resolves to at
    /// the time: the master refuses link-local and cloud metadata addresses, so that a provider
    /// cannot be pointed at credentials of the machine it runs on.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> RefusedNetworks { get; init; } = [];

    /// <summary>Refuses options that cannot work, naming the option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (PartSize < MinimumPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PartSize), PartSize, $"must be at least {MinimumPartSize} bytes (5 MiB), S3's smallest part");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelParts, 1, nameof(MaxParallelParts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StallTimeout, TimeSpan.Zero, nameof(StallTimeout));
    }
}

namespace Backupd.Bundles;

/// <summary>How a <see cref="BundleWriter"/> compresses.</summary>
public sealed record BundleWriterOptions
{
    /// <summary>zstd level, 1 (fastest) to 19 (smallest); default 3.</summary>
    /// <remarks>3 is zstd's own default: most of the ratio of the higher levels at several times their speed.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1..19.</exception>
    public int CompressionLevel
    {
        get;
        init => field = value is >= 1 and <= 19
            ? value
            : throw new ArgumentOutOfRangeException(
                nameof(CompressionLevel), value, $"BundleWriterOptions.CompressionLevel is {value}; it must be between 1 and 19.");
    } = 3;

    /// <summary>zstd worker threads; 0 or 1 compresses on the calling thread. Default: one per processor.</summary>
    /// <remarks>More workers than processors only adds memory (each holds its own window and job buffers).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above 256 (zstd's limit).</exception>
    public int Workers
    {
        get;
        init => field = value is >= 0 and <= 256
            ? value
            : throw new ArgumentOutOfRangeException(
                nameof(Workers), value, $"BundleWriterOptions.Workers is {value}; it must be between 0 and 256 (0 or 1: single-threaded).");
    } = Environment.ProcessorCount;

    /// <summary>
    /// Hears each regular file's digest once the file is in the bundle. Left null, the writer keeps
    /// them itself in <see cref="BundleWriter.Files"/>, in memory; for trees of any size, pass
    /// <see cref="BundleDigestFile.Add"/> so that memory does not grow with the number of files.
    /// When set, <see cref="BundleWriter.Files"/> and <see cref="BundleResult.Files"/> stay empty.
    /// </summary>
    public Action<BundleFileDigest>? FileStored { get; init; }

    /// <summary>Clock for the modification time of added bytes and for progress pacing.</summary>
    public TimeProvider TimeProvider { get; init => field = value ?? throw new ArgumentNullException(nameof(TimeProvider)); } = TimeProvider.System;
}

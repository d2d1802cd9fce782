using ZstdSharp;

namespace Backupd.Bundles;

/// <summary>
/// A bundle cannot be read to its end as written: it is truncated, or its bytes changed (a zstd
/// checksum or block that does not decode, a tar header that does not parse). Nothing in it can
/// be trusted past the point where this was found.
/// </summary>
public sealed class DamagedBundleException(string reason, Exception innerException)
    : IOException($"The bundle is damaged: {reason}", innerException)
{
    /// <summary>
    /// Runs one read step of a bundle, turning what the zstd and tar readers throw on bytes that are
    /// not a whole bundle into a <see cref="DamagedBundleException"/>; other failures (the disk, a
    /// cancellation, a hostile entry) pass through as they are.
    /// </summary>
    internal static async ValueTask<T> TranslateAsync<T>(Func<ValueTask<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (ZstdException ex)
        {
            throw new DamagedBundleException($"its zstd data does not decode ({ex.Message}).", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new DamagedBundleException("it ends in the middle of an entry.", ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            throw new DamagedBundleException($"its tar data does not parse ({ex.Message}).", ex);
        }
    }
}

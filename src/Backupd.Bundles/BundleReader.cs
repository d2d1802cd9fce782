using System.Formats.Tar;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ZstdSharp;

namespace Backupd.Bundles;

/// <summary>Reads bundles back: lists and verifies their entries, and extracts them safely.</summary>
public static class BundleReader
{
    /// <summary>
    /// Lists every entry in order, hashing each regular file as it streams past. Enumerating to the
    /// end also checks the zstd frame's checksum, so a complete enumeration verifies the bundle.
    /// </summary>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries, one at a time (memory does not grow with the bundle).</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed.</exception>
    public static async IAsyncEnumerable<BundleEntry> ReadEntriesAsync(Stream bundle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var chunk = new byte[BundleWriter.ChunkSize];
        await using var zstd = OpenZstd(bundle);
        await using (var tar = new TarReader(zstd, leaveOpen: true))
        {
            while (await NextEntryAsync(tar, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var sha256 = IsRegularFile(entry.EntryType)
                    ? await DamagedBundleException.TranslateAsync(() => HashAsync(entry.DataStream, chunk, cancellationToken)).ConfigureAwait(false)
                    : null;
                var size = IsRegularFile(entry.EntryType) ? entry.Length : 0;
                var linkTarget = string.IsNullOrEmpty(entry.LinkName) ? null : entry.LinkName;
                yield return new BundleEntry(
                    entry.Name.TrimEnd('/'), entry.EntryType, size, entry.Mode, entry.ModificationTime, linkTarget, sha256);
            }
        }

        await DrainAsync(zstd, chunk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Extracts a bundle into <paramref name="destination"/>, which must be missing or empty so that
    /// nothing already there can be overwritten. Refuses, with <see cref="HostileBundleEntryException"/>,
    /// absolute names, <c>..</c>, links that resolve outside the destination, writing through a link,
    /// duplicates, and devices, FIFOs and hard links. Set-user/group-ID bits are not restored.
    /// </summary>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="destination">Directory to extract into.</param>
    /// <param name="cancellationToken">Cancels the extraction.</param>
    /// <returns>What was written (<see cref="BundleTreeSummary.Skipped"/> counts PAX global headers).</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed.</exception>
    public static Task<BundleTreeSummary> ExtractToDirectoryAsync(Stream bundle, string destination, CancellationToken cancellationToken) =>
        ExtractToDirectoryAsync(bundle, destination, progress: null, cancellationToken);

    /// <inheritdoc cref="ExtractToDirectoryAsync(Stream, string, CancellationToken)"/>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="destination">Directory to extract into.</param>
    /// <param name="progress">Told the bundle bytes read so far, now and then.</param>
    /// <param name="cancellationToken">Cancels the extraction.</param>
    public static Task<BundleTreeSummary> ExtractToDirectoryAsync(Stream bundle, string destination, IProgress<long>? progress, CancellationToken cancellationToken) =>
        ExtractToDirectoryAsync(bundle, destination, progress, leaveOut: null, cancellationToken);

    /// <inheritdoc cref="ExtractToDirectoryAsync(Stream, string, CancellationToken)"/>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="destination">Directory to extract into.</param>
    /// <param name="progress">Told the bundle bytes read so far, now and then.</param>
    /// <param name="leaveOut">Regular files, by their name in the bundle, not to write (read past, as the rest is still checked).</param>
    /// <param name="cancellationToken">Cancels the extraction.</param>
    public static Task<BundleTreeSummary> ExtractToDirectoryAsync(Stream bundle, string destination, IProgress<long>? progress, Func<string, bool>? leaveOut, CancellationToken cancellationToken) =>
        ExtractToDirectoryAsync(bundle, destination, progress, leaveOut, owner: null, cancellationToken);

    /// <inheritdoc cref="ExtractToDirectoryAsync(Stream, string, CancellationToken)"/>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="destination">Directory to extract into.</param>
    /// <param name="progress">Told the bundle bytes read so far, now and then.</param>
    /// <param name="leaveOut">Regular files, by their name in the bundle, not to write (read past, as the rest is still checked).</param>
    /// <param name="owner">
    /// Who is to own everything written (the destination itself excepted), as it is written; null leaves it to the process.
    /// Needs privilege to give files away. The extraction works by path inside <paramref name="destination"/>, so while it
    /// runs nobody else may be able to enter it (a root process extracting for someone else: a directory from
    /// <see cref="HeldDirectory.CreatePrivate"/>, given as its <see cref="HeldDirectory.Path"/>).
    /// </param>
    /// <param name="cancellationToken">Cancels the extraction.</param>
    /// <exception cref="IOException">An entry could not be given to <paramref name="owner"/>.</exception>
    public static async Task<BundleTreeSummary> ExtractToDirectoryAsync(
        Stream bundle, string destination, IProgress<long>? progress, Func<string, bool>? leaveOut, FileOwner? owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var extraction = new BundleExtraction(destination, owner);
        var chunk = new byte[BundleWriter.ChunkSize];
        await using var zstd = OpenZstd(new BundleInspection.CountingReadStream(bundle, progress));
        await using (var tar = new TarReader(zstd, leaveOpen: true))
        {
            while (await NextEntryAsync(tar, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (leaveOut is not null && IsRegularFile(entry.EntryType) && leaveOut(entry.Name))
                {
                    continue;
                }

                await DamagedBundleException.TranslateAsync(async () =>
                {
                    await extraction.AddAsync(entry, chunk, cancellationToken).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }
        }

        await DrainAsync(zstd, chunk, cancellationToken).ConfigureAwait(false);
        return extraction.Finish();
    }

    /// <summary>
    /// Hands one regular file of a bundle, as a stream, to <paramref name="read"/>: the bundle is
    /// decoded up to it and no further. For a reader that needs one member while another extracts
    /// the rest, such as a restore importing the dump while the files are written.
    /// </summary>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="name">The entry's name in the bundle.</param>
    /// <param name="read">Reads the entry's content.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>False when the bundle has no regular file of that name.</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed before or inside the entry.</exception>
    public static async Task<bool> ReadEntryAsync(Stream bundle, string name, Func<Stream, Task> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(read);
        await using var zstd = OpenZstd(bundle);
        await using var tar = new TarReader(zstd, leaveOpen: true);
        while (await NextEntryAsync(tar, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (IsRegularFile(entry.EntryType) && entry.Name == name)
            {
                var content = entry.DataStream ?? Stream.Null;
                return await DamagedBundleException.TranslateAsync(async () =>
                {
                    await read(content).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }
        }

        return false;
    }

    /// <summary>
    /// As <see cref="ReadEntryAsync(Stream, string, Func{Stream, Task}, CancellationToken)"/>, but
    /// straight to the entry when the bundle's index (<see cref="BundleIndex"/>) lists it, without
    /// decoding what comes before. The index is not part of what a bundle's check covers, so an
    /// entry found through it is held against <paramref name="expected"/>, the size and SHA-256 the
    /// check found: one that differs fails once read. Where the index names something else, or a
    /// bundle has none, the bundle is read from its start.
    /// </summary>
    /// <param name="bundle">The <c>.tar.zst</c>, seekable, positioned at its start; left open.</param>
    /// <param name="expected">The entry's name, size and SHA-256, as the bundle's check found them.</param>
    /// <param name="read">Reads the entry's content.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>False when the bundle has no regular file of that name.</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed, or the entry is not the one checked.</exception>
    public static async Task<bool> ReadEntryAsync(Stream bundle, BundleFileDigest expected, Func<Stream, Task> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(read);
        var index = await BundleIndex.ReadAsync(bundle, cancellationToken).ConfigureAwait(false);
        if (index.TryGetValue(expected.EntryName, out var offset))
        {
            var start = bundle.Position;
            bundle.Position = offset;
            if (await ReadIndexedEntryAsync(bundle, expected, read, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            bundle.Position = start;
        }

        return await ReadEntryAsync(bundle, expected.EntryName, read, cancellationToken).ConfigureAwait(false);
    }

    // Reads the entry the index says starts here; false, having read nothing of it, when something else is here.
    private static async Task<bool> ReadIndexedEntryAsync(Stream bundle, BundleFileDigest expected, Func<Stream, Task> read, CancellationToken cancellationToken)
    {
        await using var zstd = OpenZstd(bundle);
        await using var tar = new TarReader(zstd, leaveOpen: true);
        TarEntry? entry;
        try
        {
            entry = await NextEntryAsync(tar, cancellationToken).ConfigureAwait(false);
        }
        catch (DamagedBundleException)
        {
            return false;
        }

        if (entry is null || !IsRegularFile(entry.EntryType) || entry.Name != expected.EntryName || entry.Length != expected.Size)
        {
            return false;
        }

        await using var content = new IO.Sha256ReadStream(entry.DataStream ?? Stream.Null);
        return await DamagedBundleException.TranslateAsync(async () =>
        {
            await read(content).ConfigureAwait(false);
            await DrainAsync(content, new byte[BundleWriter.ChunkSize], cancellationToken).ConfigureAwait(false);
            var sha256 = content.FinishSha256Hex();
            if (content.BytesRead != expected.Size || !string.Equals(sha256, expected.Sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                throw new DamagedBundleException(
                    $"its {expected.EntryName}, found through the bundle's index, is not the one its check read.",
                    new InvalidDataException($"{content.BytesRead} bytes with SHA-256 {sha256} read; {expected.Size} bytes with SHA-256 {expected.Sha256Hex} checked"));
            }

            return true;
        }).ConfigureAwait(false);
    }

    internal static bool IsRegularFile(TarEntryType type) => type is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    internal static DecompressionStream OpenZstd(Stream bundle) =>
        new(bundle, BundleWriter.ChunkSize, checkEndOfStream: true, leaveOpen: true);

    internal static ValueTask<TarEntry?> NextEntryAsync(TarReader tar, CancellationToken cancellationToken) =>
        DamagedBundleException.TranslateAsync(() => tar.GetNextEntryAsync(copyData: false, cancellationToken));

    // Hashes an entry's content as it streams past; a copy goes to copyTo when one is given.
    internal static async ValueTask<string> HashAsync(Stream? data, byte[] chunk, CancellationToken cancellationToken, Stream? copyTo = null)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (data is not null)
        {
            int read;
            while ((read = await data.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha256.AppendData(chunk, 0, read);
                if (copyTo is not null)
                {
                    await copyTo.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    // The tar ends before the zstd frame does; reading the rest makes zstd check the frame's checksum and its end.
    internal static ValueTask<bool> DrainAsync(Stream zstd, byte[] chunk, CancellationToken cancellationToken) =>
        DamagedBundleException.TranslateAsync(async () =>
        {
            while (await zstd.ReadAsync(chunk, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            return true;
        });
}

using System.Formats.Tar;

namespace Backupd.Bundles;

/// <summary>
/// Reads a bundle once and writes nothing but what it is asked to keep: checks the zstd frames and
/// the tar, refuses every entry an extraction would refuse, records each regular file's name,
/// size and SHA-256, and keeps one member's content (the manifest) to compare them with. What a
/// verify job and the first stage of a restore do before anything is touched.
/// </summary>
public static class BundleInspection
{
    /// <summary>Inspects <paramref name="bundle"/>.</summary>
    /// <param name="bundle">The <c>.tar.zst</c>, positioned at its start; left open.</param>
    /// <param name="files">Receives every regular file, in bundle order.</param>
    /// <param name="keep">The entry whose content to keep (e.g. <c>manifest.json</c>).</param>
    /// <param name="kept">Receives that content.</param>
    /// <param name="keepLimit">The most bytes of it to keep; a larger one is refused.</param>
    /// <param name="progress">Told the compressed bytes read so far, now and then.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the bundle holds.</returns>
    /// <exception cref="DamagedBundleException">The bundle is truncated or its bytes changed.</exception>
    /// <exception cref="HostileBundleEntryException">An entry extraction would refuse, or the kept one over its limit.</exception>
    public static async Task<BundleInspectionResult> InspectAsync(
        Stream bundle, BundleDigestFile files, string keep, Stream kept, long keepLimit, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(files);
        // A root no path can reach: the checks are the extraction's own, on names alone.
        var paths = new ExtractionPaths("/nonexistent/backupd-inspection");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chunk = new byte[BundleWriter.ChunkSize];
        var (fileCount, directories, links, bytes, keptFound) = (0, 0, 0, 0L, false);
        string? last = null;
        var counted = new CountingReadStream(bundle, progress);
        await using var zstd = BundleReader.OpenZstd(counted);
        await using (var tar = new TarReader(zstd, leaveOpen: true))
        {
            while (await BundleReader.NextEntryAsync(tar, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = entry.Name.TrimEnd('/');
                switch (entry.EntryType)
                {
                    case TarEntryType.GlobalExtendedAttributes:
                        continue;
                    case TarEntryType.Directory:
                        paths.Resolve(entry.Name, allowRoot: true);
                        directories++;
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        var relative = paths.Resolve(entry.Name, allowRoot: false);
                        RefuseTwice(seen, entry.Name, relative);
                        var copyTo = relative == keep ? kept : null;
                        if (copyTo is not null && entry.Length > keepLimit)
                        {
                            throw new HostileBundleEntryException(entry.Name, $"it is {entry.Length} bytes, more than the {keepLimit} a {keep} may have");
                        }

                        var sha256 = await DamagedBundleException.TranslateAsync(() => BundleReader.HashAsync(entry.DataStream, chunk, cancellationToken, copyTo)).ConfigureAwait(false);
                        keptFound |= copyTo is not null;
                        files.Add(new BundleFileDigest(relative, entry.Length, sha256));
                        fileCount++;
                        bytes += entry.Length;
                        break;
                    case TarEntryType.SymbolicLink:
                        var link = paths.Resolve(entry.Name, allowRoot: false);
                        RefuseTwice(seen, entry.Name, link);
                        paths.AcceptLink(entry.Name, link, entry.LinkName);
                        links++;
                        break;
                    default:
                        throw new HostileBundleEntryException(
                            entry.Name, $"it is a {entry.EntryType}, and a bundle holds only files, directories and symbolic links");
                }

                last = name;
            }
        }

        paths.CheckLinks();
        await BundleReader.DrainAsync(zstd, chunk, cancellationToken).ConfigureAwait(false);
        progress?.Report(counted.BytesRead);
        return new BundleInspectionResult(fileCount, directories, links, bytes, keptFound, last, counted.BytesRead);
    }

    private static void RefuseTwice(HashSet<string> seen, string entryName, string relative)
    {
        if (!seen.Add(relative))
        {
            throw new HostileBundleEntryException(entryName, "it appears twice in the bundle");
        }
    }

    // Counts what the decompressor takes from the bundle: progress in the bytes a user sees as the bundle's size.
    internal sealed class CountingReadStream(Stream inner, IProgress<long>? progress) : IO.ReadOnlyStream
    {
        private const long ReportEvery = 4 << 20;
        private long _reportedAt;

        public long BytesRead => Position;

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        private int Count(int read)
        {
            Advance(read);
            if (BytesRead - _reportedAt >= ReportEvery)
            {
                _reportedAt = BytesRead;
                progress?.Report(BytesRead);
            }

            return read;
        }
    }
}

/// <summary>What <see cref="BundleInspection.InspectAsync"/> found.</summary>
/// <param name="Files">Regular files.</param>
/// <param name="Directories">Directories.</param>
/// <param name="Links">Symbolic links.</param>
/// <param name="Bytes">The regular files' content, together.</param>
/// <param name="Kept">Whether the entry asked for was there (and its content kept).</param>
/// <param name="LastEntry">The last entry's name, or null for an empty bundle.</param>
/// <param name="CompressedBytes">The bundle's own size, as read.</param>
public sealed record BundleInspectionResult(int Files, int Directories, int Links, long Bytes, bool Kept, string? LastEntry, long CompressedBytes);

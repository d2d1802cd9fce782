using System.Security.Cryptography;
using Backupd.Modules;
using Backupd.Modules.Storage;

namespace Backupd.Storage;

/// <summary>
/// The node's copy of a bundle as it arrives: written and hashed in order, so a transfer that
/// breaks off goes on from <see cref="Received"/> with the hash it has so far, and never holds
/// more than the size the master recorded.
/// </summary>
internal sealed class BundleDownloadFile : IAsyncDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly BundleDownload _download;
    private readonly FileStream _output;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = new byte[BufferSize];

    public BundleDownloadFile(BundleDownload download)
    {
        _download = download;
        // Readable meanwhile: a restore checks the bundle as it arrives (on Unix, FileShare.None would be an exclusive lock).
        _output = new FileStream(download.LocalPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
    }

    /// <summary>Bytes written so far; a transfer that broke off asks for the rest from here.</summary>
    public long Received { get; private set; }

    /// <summary>Whether every recorded byte is here.</summary>
    public bool Complete => Received == _download.Size;

    /// <summary>Appends what <paramref name="input"/> gives until it ends; <paramref name="touch"/> is called per chunk (a stall watchdog).</summary>
    /// <exception cref="ModuleFailedException">The stored object is larger than recorded.</exception>
    public async Task AppendAsync(Stream input, Action? touch, CancellationToken cancellationToken)
    {
        int read;
        while ((read = await input.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            touch?.Invoke();
            if (Received + read > _download.Size)
            {
                throw new ModuleFailedException($"{_download.FullKey} holds more than the {_download.Size} bytes recorded for the bundle: it is not the bundle the backup stored.");
            }

            if (_download.Bandwidth is { } bandwidth)
            {
                await bandwidth.WaitAsync(read, cancellationToken).ConfigureAwait(false);
            }

            await _output.WriteAsync(_buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            _hash.AppendData(_buffer, 0, read);
            Received += read;
            _download.Progress?.Report(Received);
        }
    }

    /// <summary>What was received, once the source has no more.</summary>
    public async Task<StoredBundleInfo> FinishAsync()
    {
        await _output.FlushAsync().ConfigureAwait(false);
        return new StoredBundleInfo(_download.FullKey, Received, Convert.ToHexStringLower(_hash.GetHashAndReset()));
    }

    public async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await _output.DisposeAsync().ConfigureAwait(false);
    }
}

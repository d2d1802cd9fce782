namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// The part of a dump in memory: at least a lookahead's worth of bytes ahead of where the
/// reading is (or the rest of the dump), so a whole statement other than rows can be read in one
/// piece; rows run through it in pieces.
/// </summary>
internal sealed class DumpWindow(Stream input, int lookahead)
{
    private readonly byte[] _buffer = new byte[lookahead * 2];
    private int _start;
    private int _end;

    /// <summary>Whether the window holds the end of the dump.</summary>
    public bool Final { get; private set; }

    /// <summary>Bytes of the dump read so far.</summary>
    public long Read { get; private set; }

    /// <summary>Where in the dump <see cref="Text"/> starts.</summary>
    public long Offset { get; private set; }

    /// <summary>What is in memory, not yet read past.</summary>
    public ReadOnlySpan<byte> Text => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Whether a statement can be read here: a lookahead's worth is held, or the rest of the dump.</summary>
    public bool Ready => Final || _end - _start >= lookahead;

    /// <summary>Moves past <paramref name="count"/> bytes of <see cref="Text"/>.</summary>
    public void Advance(int count)
    {
        _start += count;
        Offset += count;
    }

    /// <summary>Reads until <see cref="Ready"/>; false once everything has been read past.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (!Final && _end - _start < lookahead)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
            while (!Final && _end < lookahead)
            {
                var count = await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                Final = count == 0;
                _end += count;
                Read += count;
            }
        }

        return _end > _start;
    }
}

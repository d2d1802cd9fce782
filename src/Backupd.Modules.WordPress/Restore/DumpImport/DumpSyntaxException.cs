namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// Something in a dump that mysqldump never writes, found at <see cref="Position"/> of the text
/// being read; the filter turns it into the message the restore fails with.
/// </summary>
internal sealed class DumpSyntaxException(int position, string reason) : Exception(reason)
{
    /// <summary>Where it starts, in the text the reader was given.</summary>
    public int Position { get; } = position;

    /// <summary>What it is, in a few words.</summary>
    public string Reason { get; } = reason;
}

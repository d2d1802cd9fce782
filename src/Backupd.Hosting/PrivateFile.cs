namespace Backupd.Hosting;

/// <summary>Files that hold secrets: readable by this user only, and never seen half-written.</summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes through a temporary file created with mode 0600, then renames it over <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite };
        await using (var stream = new FileStream(temp, create))
        {
            await write(stream, cancellationToken);
        }

        // An existing temp file keeps its old mode on FileMode.Create; set it explicitly.
        File.SetUnixFileMode(temp, OwnerReadWrite);
        File.Move(temp, path, overwrite: true);
    }
}

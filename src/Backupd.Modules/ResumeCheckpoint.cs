using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backupd.Modules;

/// <summary>
/// What a run finished that a later attempt of the same job may start from instead of doing it
/// again: the stage to resume at, the files in the job's work directory that stage needs, and the
/// module's own notes about them. A module writes one once those files are complete and on disk;
/// the node keeps them when a run is interrupted (the node stopped, crashed or lost the job) and
/// the module decides, in <see cref="ModuleRun.TryResume"/>, whether they still hold.
/// </summary>
/// <param name="Stage">The first stage still to run.</param>
/// <param name="WrittenAt">When the work was finished, in UTC.</param>
/// <param name="Files">Files in the work directory, by name, that the resumed stages need.</param>
/// <param name="State">The module's notes, such as the bundle's size and SHA-256.</param>
public sealed record ResumeCheckpoint(string Stage, DateTimeOffset WrittenAt, IReadOnlyList<string> Files, JsonObject State)
{
    /// <summary>The checkpoint's file in the work directory.</summary>
    public const string FileName = ".backupd-checkpoint.json";

    /// <summary>
    /// Writes the checkpoint after the files it names are on disk: into a new file, flushed, then
    /// renamed over any earlier one, so a crash leaves either the old checkpoint or the new one.
    /// </summary>
    public async Task WriteAsync(string workDirectory, CancellationToken cancellationToken)
    {
        foreach (var name in Files)
        {
            // The files must survive a power cut as surely as the checkpoint naming them.
            using var handle = File.OpenHandle(Path.Combine(workDirectory, name), FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }

        var path = Path.Combine(workDirectory, FileName);
        var temporary = path + ".new";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, this, SerializerOptions, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The checkpoint in <paramref name="workDirectory"/>; null when there is none or it cannot be read.</summary>
    public static ResumeCheckpoint? Read(string workDirectory)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(workDirectory, FileName));
            var checkpoint = JsonSerializer.Deserialize<ResumeCheckpoint>(stream, SerializerOptions);
            return checkpoint is { Stage.Length: > 0, Files: not null, State: not null }
                && checkpoint.Files.All(name => name == Path.GetFileName(name) && File.Exists(Path.Combine(workDirectory, name)))
                ? checkpoint
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The start of the names of the node's own files in a work directory (the attempt marker, the checkpoint), which a module leaves alone.</summary>
    public const string NodeFilePrefix = ".backupd-";

    /// <summary>
    /// Removes everything in <paramref name="workDirectory"/> but the checkpoint, the files it
    /// names and the node's own files; everything when there is no checkpoint.
    /// Returns the checkpoint kept, or null.
    /// </summary>
    public static ResumeCheckpoint? PruneAround(string workDirectory)
    {
        var checkpoint = Read(workDirectory);
        var keep = new HashSet<string>(checkpoint?.Files ?? [], StringComparer.Ordinal);
        EmptyDirectory(workDirectory, name => (checkpoint is not null && name.StartsWith(NodeFilePrefix, StringComparison.Ordinal) && !name.EndsWith(".new", StringComparison.Ordinal)) || keep.Contains(name));
        return checkpoint;
    }

    /// <summary>Removes every entry of <paramref name="directory"/> whose name <paramref name="keep"/> does not accept; a symbolic link goes, never what it points to.</summary>
    public static void EmptyDirectory(string directory, Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            if (keep(Path.GetFileName(entry)))
            {
                continue;
            }

            if (Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);
}

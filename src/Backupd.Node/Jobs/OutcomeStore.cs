using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.NodeApi;
using Backupd.Hosting;

namespace Backupd.Node.Jobs;

/// <summary>
/// How each job ended, kept in <c>&lt;data dir&gt;/outcomes</c> from before the node reports it
/// until the master has answered, so that a finished backup is reported even when the node or
/// the master goes down in between: the node delivers what it holds when it starts again.
/// </summary>
public sealed class OutcomeStore(string dataDir)
{
    private string Directory => Path.Combine(dataDir, "outcomes");

    /// <summary>Keeps an outcome on disk (flushed) until <see cref="Forget"/>.</summary>
    public async Task KeepAsync(PendingOutcome pending, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await PrivateFile.WriteAsync(PathOf(pending.JobId, pending.Attempt), async (stream, ct) =>
        {
            await JsonSerializer.SerializeAsync(stream, pending, NodeApiJson.Options, ct);
            await stream.FlushAsync(ct);
            ((FileStream)stream).Flush(flushToDisk: true);
        }, cancellationToken);
    }

    /// <summary>Drops an outcome the master has answered.</summary>
    public void Forget(string jobId, int attempt) => File.Delete(PathOf(jobId, attempt));

    /// <summary>The outcomes still to deliver, oldest first; an unreadable file is skipped and named in <paramref name="unreadable"/>.</summary>
    public IReadOnlyList<PendingOutcome> Pending(Action<string, string> unreadable)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var found = new List<PendingOutcome>();
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles("*.json").OrderBy(f => f.LastWriteTimeUtc))
        {
            try
            {
                found.Add(JsonSerializer.Deserialize<PendingOutcome>(File.ReadAllText(file.FullName), NodeApiJson.Options)
                    ?? throw new JsonException("empty"));
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                unreadable(file.FullName, ex.Message);
            }
        }

        return found;
    }

    // Job ids are the master's (hex); the name keeps to them anyway.
    private string PathOf(string jobId, int attempt) =>
        Path.Combine(Directory, $"{string.Concat(jobId.Where(char.IsAsciiLetterOrDigit))}.{attempt}.json");
}

/// <summary>An outcome waiting for the master's answer.</summary>
public sealed record PendingOutcome(string JobId, int Attempt, JobOutcome Outcome);

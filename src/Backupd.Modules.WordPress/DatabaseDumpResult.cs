namespace Backupd.Modules.WordPress;

/// <summary>What a finished dump wrote.</summary>
/// <param name="Bytes">How many bytes of SQL were written to the output.</param>
/// <param name="Elapsed">How long the dump took, checks included.</param>
/// <param name="Warnings">
/// What the dump left out and why, and anything mysqldump warned about, for the job log; empty
/// for a complete dump.
/// </param>
/// <remarks>
/// No digest: the dump is hashed where it is read back into the bundle (the manifest's SHA-256),
/// and hashing 300 MiB once more here cost a fifth of a second of CPU in the middle of the job.
/// </remarks>
public sealed record DatabaseDumpResult(long Bytes, TimeSpan Elapsed, IReadOnlyList<string> Warnings);

namespace Backupd.Modules.WordPress;

/// <summary>What a finished dump wrote.</summary>
/// <param name="Bytes">How many bytes of SQL were written to the output.</param>
/// <param name="Sha256">The SHA-256 of those bytes, lowercase hex.</param>
/// <param name="Elapsed">How long the dump took, checks included.</param>
/// <param name="Warnings">
/// What the dump left out and why, and anything mysqldump warned about, for the job log; empty
/// for a complete dump.
/// </param>
public sealed record DatabaseDumpResult(long Bytes, string Sha256, TimeSpan Elapsed, IReadOnlyList<string> Warnings);

namespace Backupd.Bundles;

/// <summary>A bundle holds an entry that would write outside the destination or create something a backup never holds.</summary>
/// <remarks>Thrown before anything is written for that entry; files already extracted stay where they are.</remarks>
public sealed class HostileBundleEntryException(string entryName, string reason)
    : IOException($"The bundle holds an entry no restore may write, '{entryName}': {reason}.")
{
    /// <summary>The entry's name as stored in the bundle.</summary>
    public string EntryName { get; } = entryName;
}

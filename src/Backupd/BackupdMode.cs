namespace Backupd;

/// <summary>What this process runs as.</summary>
internal enum BackupdMode
{
    /// <summary>The Orleans silo with the REST API and dashboard.</summary>
    Master,

    /// <summary>The agent on a host that has something to back up.</summary>
    Node,
}

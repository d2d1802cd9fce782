namespace Backupd.Modules.Resources;

/// <summary>The kinds of work a node limits separately, each with its own pool of slots.</summary>
public enum ResourceKind
{
    /// <summary>Heavy disk work: database dumps, archiving files.</summary>
    Io,

    /// <summary>Uploads to storage targets.</summary>
    Network,

    /// <summary>CPU-bound work such as compression.</summary>
    Cpu,
}

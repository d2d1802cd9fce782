namespace Backupd.Modules.WordPress.Dump;

/// <summary>The parts of a dump that need privileges a WordPress database user may lack.</summary>
[Flags]
internal enum DumpParts
{
    None = 0,

    /// <summary>Stored procedures and functions: reading their definitions takes SELECT on mysql.proc unless the user created them.</summary>
    Routines = 1,

    /// <summary>Scheduled events: listing them takes the EVENT privilege.</summary>
    Events = 2,
}

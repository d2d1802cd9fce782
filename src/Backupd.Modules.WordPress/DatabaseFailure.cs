namespace Backupd.Modules.WordPress;

/// <summary>Why a database could not be dumped or read, for callers that react differently to each.</summary>
public enum DatabaseFailure
{
    /// <summary>Something else went wrong; the message has the tool's or server's words.</summary>
    Other,

    /// <summary>Neither <c>mysqldump</c> nor <c>mariadb-dump</c> could be found or started.</summary>
    ProgramMissing,

    /// <summary>The server could not be reached: wrong host, port or socket, or it is down.</summary>
    CannotConnect,

    /// <summary>The server refused the user name and password (MariaDB error 1045).</summary>
    AccessDenied,

    /// <summary>The user may not use the database, which may also mean that it does not exist (error 1044).</summary>
    DatabaseAccessDenied,

    /// <summary>The database does not exist (error 1049, seen by users with server-wide privileges).</summary>
    UnknownDatabase,
}

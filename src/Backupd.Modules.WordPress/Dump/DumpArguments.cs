using System.Globalization;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>The command lines for mysqldump; none of them carries the password.</summary>
internal sealed class DumpArguments(string optionFilePath, DatabaseConnectionSettings settings)
{
    /// <summary>
    /// The whole database, consistent as of one moment for InnoDB tables, without locking the
    /// site: one transaction, rows streamed rather than buffered, binary columns as hex so no
    /// character set conversion can touch them, and no CREATE DATABASE so it restores under any name.
    /// </summary>
    public IReadOnlyList<string> ForDump(DumpParts parts) =>
    [
        .. Connection(),
        "--single-transaction",
        "--quick",
        "--hex-blob",
        "--add-drop-table",
        "--triggers",
        .. Optional(parts),
        // Without the date, an unchanged database dumps to identical bytes and the same SHA-256.
        "--skip-dump-date",
        // The client's own limit on one row; WordPress options and postmeta can hold large values.
        "--max-allowed-packet=1G",
        "--",
        settings.Database,
    ];

    /// <summary>A dump of only the routines and events asked for: fails the way the real dump would, in a moment, and writes nothing that matters.</summary>
    public IReadOnlyList<string> ForProbe(DumpParts parts) =>
    [
        .. Connection(),
        "--no-data",
        "--no-create-info",
        "--skip-triggers",
        // Without this, the probe would LOCK TABLES, which waits behind any writer and needs a privilege the dump does not.
        "--skip-lock-tables",
        .. Optional(parts),
        "--",
        settings.Database,
    ];

    private IEnumerable<string> Connection()
    {
        foreach (var argument in ClientConnection(optionFilePath, settings))
        {
            yield return argument;
        }

        // Tablespaces need the server-wide PROCESS privilege, and WordPress tables use none of their own.
        yield return "--no-tablespaces";
    }

    /// <summary>How any MySQL client program (mysqldump, mysql) connects as the site, the password in the option file.</summary>
    internal static IEnumerable<string> ClientConnection(string optionFilePath, DatabaseConnectionSettings settings)
    {
        // MySQL clients honour --defaults-extra-file only as the very first argument.
        yield return $"--defaults-extra-file={optionFilePath}";
        yield return $"--user={settings.User}";
        yield return $"--host={settings.Endpoint.Host}";
        if (settings.Endpoint.Port is { } port)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--port={port}");
        }

        if (settings.Endpoint.Socket is { } socket)
        {
            yield return $"--socket={socket}";
        }

        // utf8mb4 holds every character any column can; a narrower connection would turn some into '?'.
        yield return "--default-character-set=utf8mb4";
    }

    private static IEnumerable<string> Optional(DumpParts parts)
    {
        if (parts.HasFlag(DumpParts.Routines))
        {
            yield return "--routines";
        }

        if (parts.HasFlag(DumpParts.Events))
        {
            yield return "--events";
        }
    }
}

using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>Reads what mysqldump wrote to stderr when it failed.</summary>
internal static partial class DumpErrors
{
    private static readonly FrozenSet<int> PrivilegeErrors = FrozenSet.Create(1044, 1142, 1227);
    private static readonly FrozenSet<int> ConnectionErrors = FrozenSet.Create(1042, 2002, 2003, 2005, 2006, 2013, 2026);

    /// <summary>
    /// The optional part that failed for lack of a privilege, so the dump can go on without it;
    /// <see cref="DumpParts.None"/> when the failure is anything else.
    /// </summary>
    public static DumpParts DeniedPart(string standardError, DumpParts attempted)
    {
        var code = ErrorCode(standardError);
        var denied = code is { } c && PrivilegeErrors.Contains(c);
        if (attempted.HasFlag(DumpParts.Events) && denied && EventsQuery().IsMatch(standardError))
        {
            return DumpParts.Events;
        }

        // "u has insufficient privileges to SHOW CREATE PROCEDURE `p`!" carries no error code.
        if (attempted.HasFlag(DumpParts.Routines) && (RoutineBodyHidden().IsMatch(standardError) || (denied && RoutinesQuery().IsMatch(standardError))))
        {
            return DumpParts.Routines;
        }

        return DumpParts.None;
    }

    public static DatabaseDumpException ToException(string program, int exitCode, string standardError, DatabaseConnectionSettings settings)
    {
        var text = DatabaseFailureMessages.Scrub(standardError.Trim(), settings.Password);
        var failure = ErrorCode(text) switch
        {
            1045 => DatabaseFailure.AccessDenied,
            1044 => DatabaseFailure.DatabaseAccessDenied,
            1049 => DatabaseFailure.UnknownDatabase,
            { } code when ConnectionErrors.Contains(code) => DatabaseFailure.CannotConnect,
            _ => DatabaseFailure.Other,
        };
        var detail = failure == DatabaseFailure.Other
            ? string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(program)} exited with code {exitCode}: {(text.Length > 0 ? text : "it wrote no error")}")
            : ServerMessage(text);
        return new DatabaseDumpException(failure, DatabaseFailureMessages.For(failure, settings, detail));
    }

    /// <summary>The MariaDB error number, from "Got error: 1045: …" or "… (1044)".</summary>
    private static int? ErrorCode(string standardError)
    {
        var match = GotError().Match(standardError);
        if (!match.Success)
        {
            match = TrailingCode().Match(standardError);
        }

        return match.Success ? int.Parse(match.Groups["code"].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    private static string ServerMessage(string standardError)
    {
        var match = GotError().Match(standardError);
        if (match.Success)
        {
            return match.Groups["message"].Value;
        }

        return standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no error message";
    }

    [GeneratedRegex("""Got error: (?<code>\d+): "(?<message>.*)" when""")]
    private static partial Regex GotError();

    [GeneratedRegex(@"\((?<code>\d{4})\)\s*$", RegexOptions.Multiline)]
    private static partial Regex TrailingCode();

    [GeneratedRegex("show (create )?events?", RegexOptions.IgnoreCase)]
    private static partial Regex EventsQuery();

    [GeneratedRegex("privileges to SHOW CREATE", RegexOptions.IgnoreCase)]
    private static partial Regex RoutineBodyHidden();

    [GeneratedRegex("SHOW (CREATE )?(PROCEDURE|FUNCTION|PACKAGE)|mysql\\.proc", RegexOptions.IgnoreCase)]
    private static partial Regex RoutinesQuery();
}

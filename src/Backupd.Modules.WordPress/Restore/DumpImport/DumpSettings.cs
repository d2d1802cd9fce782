using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// The session settings a mysqldump file changes, and the values it gives them: it saves each in
/// a user variable first, sets what the import needs, and puts the saved value back at the end.
/// Anything else a dump sets (SQL_LOG_BIN, a password, NO_BACKSLASH_ESCAPES, a character set in
/// which a quote or backslash can end a multi-byte character) is refused.
/// </summary>
internal static partial class DumpSettings
{
    // User variable → the system variable mysqldump keeps in it. A setting may only be put back
    // from the variable that saved it, so no value other than one it had gets in that way.
    private static readonly FrozenDictionary<string, string> Saved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["OLD_CHARACTER_SET_CLIENT"] = "character_set_client",
        ["OLD_CHARACTER_SET_RESULTS"] = "character_set_results",
        ["OLD_COLLATION_CONNECTION"] = "collation_connection",
        ["OLD_TIME_ZONE"] = "time_zone",
        ["OLD_UNIQUE_CHECKS"] = "unique_checks",
        ["OLD_FOREIGN_KEY_CHECKS"] = "foreign_key_checks",
        ["OLD_SQL_MODE"] = "sql_mode",
        ["OLD_SQL_NOTES"] = "sql_notes",
        ["OLD_NOTE_VERBOSITY"] = "note_verbosity",
        ["OLD_AUTOCOMMIT"] = "autocommit",
        ["saved_cs_client"] = "character_set_client",
        ["saved_cs_results"] = "character_set_results",
        ["saved_col_connection"] = "collation_connection",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    // Character sets in which no byte of a multi-byte character is a quote or a backslash.
    private static readonly FrozenSet<string> CharacterSets =
        new[] { "utf8mb4", "utf8mb3", "utf8", "latin1", "ascii", "binary" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <c>SET @<paramref name="userVariable"/> = @@<paramref name="systemVariable"/></c> is one mysqldump writes.</summary>
    public static bool Saves(string userVariable, string systemVariable) =>
        Saved.TryGetValue(userVariable, out var saved) && string.Equals(saved, systemVariable, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether mysqldump sets <paramref name="systemVariable"/> to <paramref name="value"/> (a word, number or string's text).</summary>
    public static bool Accepts(string systemVariable, DumpTokenKind kind, string value) => systemVariable.ToLowerInvariant() switch
    {
        "character_set_client" or "character_set_results" => kind is DumpTokenKind.Word or DumpTokenKind.String && IsCharacterSet(value),
        "collation_connection" => kind is DumpTokenKind.Word or DumpTokenKind.String && IsCollation(value),
        "time_zone" => kind == DumpTokenKind.String && TimeZoneOffset().IsMatch(value),
        "sql_mode" => kind == DumpTokenKind.String && string.Equals(value, "NO_AUTO_VALUE_ON_ZERO", StringComparison.OrdinalIgnoreCase),
        "unique_checks" or "foreign_key_checks" or "sql_notes" or "note_verbosity" or "autocommit" => kind == DumpTokenKind.Number && value is "0" or "1",
        _ => false,
    };

    /// <summary>Whether <c>SET NAMES</c> may name <paramref name="characterSet"/>.</summary>
    public static bool IsCharacterSet(string characterSet) => CharacterSets.Contains(characterSet);

    /// <summary>Whether <paramref name="collation"/> is one of a character set <see cref="IsCharacterSet"/> accepts.</summary>
    public static bool IsCollation(string collation) =>
        CollationName().IsMatch(collation) && IsCharacterSet(collation[..collation.IndexOf('_', StringComparison.Ordinal)]);

    [GeneratedRegex(@"\A[+-][0-9]{2}:[0-9]{2}\z")]
    private static partial Regex TimeZoneOffset();

    [GeneratedRegex(@"\A[a-z0-9]+_[a-z0-9_]+\z", RegexOptions.IgnoreCase)]
    private static partial Regex CollationName();
}

using System.Text;

namespace Backupd.Modules.WordPress;

/// <summary>The database settings of a WordPress site, as its wp-config.php defines them.</summary>
/// <param name="DatabaseName"><c>DB_NAME</c>.</param>
/// <param name="DatabaseUser"><c>DB_USER</c>.</param>
/// <param name="DatabasePassword"><c>DB_PASSWORD</c>; never part of <see cref="ToString"/>.</param>
/// <param name="DatabaseHost"><c>DB_HOST</c> as written, such as <c>localhost</c> or <c>db:3306</c>.</param>
/// <param name="DatabaseCharset"><c>DB_CHARSET</c>; <see cref="DefaultCharset"/> when absent or empty.</param>
/// <param name="TablePrefix"><c>$table_prefix</c>; <see cref="DefaultTablePrefix"/> when absent.</param>
/// <param name="Endpoint"><see cref="DatabaseHost"/> read as a host, port and socket.</param>
public sealed record WordPressConfig(
    string DatabaseName,
    string DatabaseUser,
    string DatabasePassword,
    string DatabaseHost,
    string DatabaseCharset,
    string TablePrefix,
    DatabaseEndpoint Endpoint)
{
    /// <summary>The character set WordPress uses when <c>DB_CHARSET</c> is not set.</summary>
    public const string DefaultCharset = "utf8mb4";

    /// <summary>The table prefix of a WordPress site whose wp-config.php does not set one.</summary>
    public const string DefaultTablePrefix = "wp_";

    /// <summary>The wp-config.php these settings were read from, when they came from a file.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>What <see cref="DatabaseDumper"/> and <see cref="WordPressSiteInfoReader"/> need to connect.</summary>
    public DatabaseConnectionSettings ToConnectionSettings() =>
        new(Endpoint, DatabaseName, DatabaseUser, DatabasePassword, DatabaseCharset);

    // Records print every member; this one leaves the password out so logs and exceptions cannot leak it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("DatabaseName = ").Append(DatabaseName)
            .Append(", DatabaseUser = ").Append(DatabaseUser)
            .Append(", DatabasePassword = ***")
            .Append(", DatabaseHost = ").Append(DatabaseHost)
            .Append(", DatabaseCharset = ").Append(DatabaseCharset)
            .Append(", TablePrefix = ").Append(TablePrefix)
            .Append(", Endpoint = ").Append(Endpoint)
            .Append(", ConfigPath = ").Append(ConfigPath);
        return true;
    }
}

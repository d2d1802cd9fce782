using System.Collections.Immutable;
using MySqlConnector;

namespace Backupd.Modules.WordPress;

/// <summary>Reads facts about a WordPress site from its database, as the site's own database user.</summary>
public static class WordPressSiteInfoReader
{
    private const int ConnectTimeoutSeconds = 15;

    // Where MySQL and MariaDB packages put the server's socket; "localhost" without a socket means
    // the client's compiled-in default, which is the first of these on Debian and Ubuntu.
    private static readonly ImmutableArray<string> DefaultSockets =
        ["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/var/lib/mysql/mysql.sock", "/tmp/mysql.sock"];

    /// <summary>The <c>siteurl</c> option: the address WordPress is installed at; null when the option is missing.</summary>
    /// <param name="settings">The site's database.</param>
    /// <param name="tablePrefix"><c>$table_prefix</c>; the option is in <c>&lt;prefix&gt;options</c>.</param>
    /// <param name="cancellationToken">Cancels the connection and the query.</param>
    /// <exception cref="DatabaseException">The server refused or could not be reached.</exception>
    /// <exception cref="WordPressSiteException">The database has no options table under that prefix.</exception>
    public static async Task<string?> ReadSiteUrlAsync(DatabaseConnectionSettings settings, string tablePrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tablePrefix);

        // WordPress itself only accepts letters, digits and underscores here.
        if (!tablePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new WordPressSiteException($"The table prefix '{tablePrefix}' may only hold letters, digits and underscores, as WordPress requires; check $table_prefix in wp-config.php.");
        }

        var table = tablePrefix + "options";
        try
        {
            await using var connection = new MySqlConnection(ConnectionString(settings));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new MySqlCommand($"SELECT option_value FROM `{table}` WHERE option_name = 'siteurl' LIMIT 1", connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            throw new WordPressSiteException(
                $"Database '{settings.Database}' on {settings.Endpoint} has no table {table}. Check $table_prefix in wp-config.php, and that DB_NAME is this site's database.",
                innerException: e);
        }
        catch (MySqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(e, settings);
        }
    }

    /// <summary>
    /// What the database's tables take on the server (data and indexes): an upper bound for
    /// its dump, used to check free space before starting.
    /// </summary>
    /// <exception cref="DatabaseException">The server refused or could not be reached.</exception>
    public static async Task<long> ReadDatabaseBytesAsync(DatabaseConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            await using var connection = new MySqlConnection(ConnectionString(settings));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new MySqlCommand("SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE()", connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (MySqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(e, settings);
        }
    }

    internal static DatabaseException Failure(MySqlException e, DatabaseConnectionSettings settings)
    {
        var failure = e.ErrorCode switch
        {
            MySqlErrorCode.AccessDenied => DatabaseFailure.AccessDenied,
            MySqlErrorCode.DatabaseAccessDenied => DatabaseFailure.DatabaseAccessDenied,
            MySqlErrorCode.UnknownDatabase => DatabaseFailure.UnknownDatabase,
            MySqlErrorCode.UnableToConnectToHost => DatabaseFailure.CannotConnect,
            _ => DatabaseFailure.Other,
        };
        var detail = DatabaseFailureMessages.Scrub(e.Message, settings.Password);
        return new DatabaseException(failure, DatabaseFailureMessages.For(failure, settings, detail), e);
    }

    internal static string ConnectionString(DatabaseConnectionSettings settings)
    {
        var endpoint = settings.Endpoint;
        var builder = new MySqlConnectionStringBuilder
        {
            Database = settings.Database,
            UserID = settings.User,
            Password = settings.Password,
            ConnectionTimeout = ConnectTimeoutSeconds,

            // One query per backup: a pool would only keep a connection open for nothing.
            Pooling = false,
        };

        // As PHP's mysqli and the mysql command line do: "localhost" is a Unix socket, whatever the port.
        var socket = endpoint.IsUnixSocket ? endpoint.Socket ?? DefaultSockets.FirstOrDefault(File.Exists) : null;
        if (socket is not null)
        {
            builder.Server = socket;
            builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
        }
        else
        {
            builder.Server = endpoint.Host;
            builder.Port = (uint)(endpoint.Port ?? 3306);
        }

        return builder.ConnectionString;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using Backupd.Modules.WordPress;
using Backupd.TestBed;
using MySqlConnector;

namespace Backupd.Tests.Modules.WordPress;

/// <summary>
/// A throwaway database and user on the shared test server, with the privileges a test asks for
/// (a hosting panel's "ALL PRIVILEGES" on the database unless told otherwise).
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly MariaDbServer _server;

    private ScratchDatabase(MariaDbServer server, string name, string password)
    {
        _server = server;
        Name = name;
        Password = password;
    }

    public string Name { get; }

    public string User => Name;

    public string Password { get; }

    /// <summary>The user's settings over TCP, as a DB_HOST of 127.0.0.1:PORT gives them.</summary>
    public DatabaseConnectionSettings Settings => new(new DatabaseEndpoint(MariaDbServer.Host, _server.Port, null), Name, User, Password, "utf8mb4");

    public static async Task<ScratchDatabase> CreateAsync(
        MariaDbServer server, CancellationToken cancellationToken, string privileges = "ALL PRIVILEGES", string? password = null)
    {
        // No underscores: in GRANT they are wildcards.
        var name = "scratch" + RandomNumberGenerator.GetHexString(10, lowercase: true);
        var database = new ScratchDatabase(server, name, password ?? RandomNumberGenerator.GetHexString(20));
        await using var root = await server.OpenRootConnectionAsync(cancellationToken);
        var quotedPassword = Quote(database.Password);
        await ExecuteAsync(root, $"CREATE DATABASE `{name}`", cancellationToken);
        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            await ExecuteAsync(root, $"CREATE USER '{name}'@'{host}' IDENTIFIED BY {quotedPassword}", cancellationToken);
            await ExecuteAsync(root, $"GRANT {privileges} ON `{name}`.* TO '{name}'@'{host}'", cancellationToken);
        }

        return database;
    }

    /// <summary>Runs SQL as root with this database as the default one.</summary>
    public async Task ExecuteAsRootAsync(string sql, CancellationToken cancellationToken)
    {
        await using var root = await _server.OpenRootConnectionAsync(cancellationToken);
        await root.ChangeDatabaseAsync(Name, cancellationToken);
        await ExecuteAsync(root, sql, cancellationToken);
    }

    /// <summary>Runs SQL as this database's own user.</summary>
    public async Task ExecuteAsUserAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_server.ConnectionStringFor(Name, User, Password));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, sql, cancellationToken);
    }

    /// <summary>The first column of what a query as this database's own user returns, as text.</summary>
    public async Task<List<string>> QueryAsUserAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_server.ConnectionStringFor(Name, User, Password));
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsRunning)
        {
            await _server.DropDatabaseAsync(Name, User);
        }
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string value) => string.Create(
        CultureInfo.InvariantCulture,
        $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'");
}
